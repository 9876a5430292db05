/**
 * How a VU loads a k6 script, as k6 does: ES modules, TypeScript with its types stripped
 * (k6 strips them with esbuild; Node strips erasable syntax only, which loadtest/tsconfig.json
 * enforces with erasableSyntaxOnly), relative imports of .ts/.js files, and the k6 modules,
 * which resolve to the shim's own. Any other import a script makes (node:*, npm packages,
 * remote URLs, a k6 module the shim lacks) is refused by name.
 */
import { registerHooks } from 'node:module';
import { notImplemented } from './state.ts';

const shimRoot = new URL('../', import.meta.url).href;
const k6Modules: Record<string, string> = {
  k6: 'k6/k6.ts',
  'k6/http': 'k6/http.ts',
  'k6/metrics': 'k6/metrics.ts',
  'k6/execution': 'k6/execution.ts',
};

const isScriptFile = (url: string | undefined) =>
  url !== undefined &&
  url.startsWith('file:') &&
  !url.startsWith(shimRoot) &&
  !url.includes('/node_modules/');

export function loadScriptsAsK6Does(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const shimModule = k6Modules[specifier];
      if (shimModule) return { url: new URL(shimModule, shimRoot).href, shortCircuit: true };
      if (specifier === 'k6' || specifier.startsWith('k6/')) notImplemented(`module "${specifier}"`);
      if (isScriptFile(context.parentURL) && !/^\.{1,2}\/.*\.(ts|js)$/.test(specifier)) {
        throw new Error(
          `k6 shim: "${specifier}" imported by ${context.parentURL}: a k6 script here imports k6 modules and ` +
            `relative .ts/.js files only`,
        );
      }
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (!isScriptFile(url)) return nextLoad(url, context);
      return nextLoad(url, { ...context, format: url.endsWith('.ts') ? 'module-typescript' : 'module' });
    },
  });
}
