import { createRequire } from 'node:module';

type PathToRegexp = (path: string, options?: { sensitive?: boolean; strict?: boolean }) => unknown;

let installed = false;

/**
 * express-openapi-validator 5.6 compiles a path-to-regexp matcher for every documented route
 * on every request (lookupRoute in openapi.metadata.js) — measured as the largest
 * framework cost per request in our CPU profiles (see BENCHMARKS.md). Upstream fix pending:
 * cdimascio/express-openapi-validator#1217. A matcher depends only on (route, options), so the
 * path-to-regexp instance the validator loads gets a memoizing `pathToRegexp`. The set of
 * keys is bounded by the routes of our specs (and express's own, which compile once anyway).
 */
export function cacheRouteMatchers(): void {
  if (installed) return;
  installed = true;
  const fromValidator = createRequire(require.resolve('express-openapi-validator'));
  const pathToRegexpModule = fromValidator('path-to-regexp') as { pathToRegexp: PathToRegexp };
  const compile = pathToRegexpModule.pathToRegexp;
  const cache = new Map<string, unknown>();
  pathToRegexpModule.pathToRegexp = (path, options = {}) => {
    if (typeof path !== 'string') return compile(path, options);
    const key = `${options.sensitive ? 's' : '-'}${options.strict ? 's' : '-'}${path}`;
    let matcher = cache.get(key);
    if (matcher === undefined) {
      matcher = compile(path, options);
      cache.set(key, matcher);
    }
    return matcher;
  };
}
