/**
 * An image for charts/myhotel-loadtest's Job when k6 itself cannot be had: the chart pins
 * docker.io/grafana/k6, and this cluster has no registry. It is the project's own k6 shim
 * (loadtest/shim, which runs the same scripts on Node 24, every request checked against
 * openapi/) behind a `k6` command, on the Node.js base image the services use. The Job runs
 * `k6 run --no-color /scripts/<script>.ts` unchanged.
 *
 * Contents: loadtest/shim, openapi/ and the services' request-validation options of the working
 * tree, and the shim's npm dependencies
 * (express, express-openapi-validator, yaml: the contract check) with everything they require,
 * copied from node_modules — nothing is downloaded.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { Buildah, recipeHash } from '../../scripts/cluster/buildah';
import { nodeImage } from '../../scripts/cluster/images/base';
import { repoRoot } from '../../scripts/tools';

export const K6_SHIM_REPOSITORY = 'localhost/myhotel-cluster/k6-shim';
/** The shim's own imports that are not node: builtins (loadtest/shim/contract.ts). */
const SHIM_PACKAGES = ['express', 'express-openapi-validator', 'yaml'];
/** What the shim reads of the repository, at the same relative paths. */
const SHIM_SOURCES = ['loadtest/shim', 'openapi', 'services/common/src/request-validation.ts'];
const HOME = '/opt/k6-shim';
/** The chart's k6 user. */
const K6_UID = 12345;

/** Where `name` resolves from a package folder: node_modules of it or of a folder above. */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; dir.startsWith(repoRoot); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === repoRoot) break;
  }
  return undefined;
}

/** The package folders `roots` need at run time (dependencies, optional and peer ones that exist). */
function dependencyClosure(roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string, from: string, required: boolean) => {
    const dir = resolvePackage(name, from);
    if (!dir) {
      if (required)
        throw new Error(`${name} (needed from ${path.relative(repoRoot, from) || '.'}) is not installed`);
      return;
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, true);
    for (const dep of Object.keys({ ...pkg.optionalDependencies, ...pkg.peerDependencies }))
      visit(dep, dir, false);
  };
  for (const root of roots) visit(root, repoRoot, true);
  return [...seen].sort();
}

async function filesBelow(dir: string): Promise<string[]> {
  if ((await fs.stat(dir)).isFile()) return [dir];
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Builds the image unless its recipe (base, sources, dependency versions) is unchanged; returns its reference. */
export async function buildK6ShimImage(log: string): Promise<string> {
  const buildah = new Buildah(log);
  const sources = SHIM_SOURCES.map((p) => path.join(repoRoot, p));
  const packages = dependencyClosure(SHIM_PACKAGES);
  const digest = createHash('sha256');
  for (const dir of sources)
    for (const file of await filesBelow(dir))
      digest.update(path.relative(repoRoot, file)).update(await fs.readFile(file));
  for (const dir of packages)
    digest.update(path.relative(repoRoot, dir)).update(readFileSync(path.join(dir, 'package.json')));
  const recipe = recipeHash({ base: await buildah.imageId(nodeImage()), content: digest.digest('hex') });
  const image = `${K6_SHIM_REPOSITORY}:${recipe}`;
  if (await buildah.isCurrent(image, recipe)) return image;
  await buildah.assemble(
    image,
    recipe,
    nodeImage(),
    async (root) => {
      const home = path.join(root, HOME.slice(1));
      for (const dir of [...sources, ...packages]) {
        await fs.cp(dir, path.join(home, path.relative(repoRoot, dir)), {
          recursive: true,
          dereference: true,
        });
      }
      const k6 = path.join(root, 'usr/local/bin/k6');
      await fs.writeFile(
        k6,
        `#!/bin/sh\n# the k6 shim (loadtest/shim/run.ts) as k6\nexec node ${HOME}/loadtest/shim/run.ts "$@"\n`,
      );
      await fs.chmod(k6, 0o755);
    },
    ['--user', `${K6_UID}:${K6_UID}`, '--entrypoint', '[]', '--cmd', 'k6'],
  );
  return image;
}
