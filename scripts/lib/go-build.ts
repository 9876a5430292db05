/**
 * Go programs built from the Go module proxy into the cache (scripts/lib/cache.ts), one folder
 * per recipe: <cache>/go-bin/<name>-<hash of the recipe>. A build runs in a throw-away work
 * folder and its output folder is renamed into place only when every expected binary is there,
 * so an interrupted build never leaves a half-filled cache entry. Go's own module and build
 * caches make a rebuild after a recipe change fast.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from './cache';
import { exec } from './exec';

export type GoRunner = (args: string[], cwd: string, env?: NodeJS.ProcessEnv) => Promise<string>;

interface GoBuildContext {
  /** The folder the binaries go to. */
  out: string;
  /** A fresh, empty work folder (deleted afterwards). */
  work: string;
  go: GoRunner;
  /** Appends a line to the build log. */
  note: (line: string) => void;
}

export interface GoBuild {
  /** Readable part of the cache folder name, e.g. `kubernetes-v1.35.4`. */
  name: string;
  /** Everything that determines the result (versions, sources, flags); hashed into the folder name. */
  recipe: unknown;
  /** Binaries the output folder holds after a successful build. */
  binaries: readonly string[];
  build: (ctx: GoBuildContext) => Promise<void>;
}

const recipeHash = (recipe: unknown) =>
  createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);

/** The cache folder of a build (whether or not it was built). */
function goBuildDir(build: GoBuild): string {
  return cacheDir('go-bin', `${build.name}-${recipeHash(build.recipe)}`);
}

/** The cache folder of a build when all its binaries are there, else undefined. */
export function findGoBuild(build: GoBuild): string | undefined {
  const dir = goBuildDir(build);
  return build.binaries.every((b) => existsSync(path.join(dir, b))) ? dir : undefined;
}

/** Static binaries, no VCS stamping, the toolchain a module asks for fetched when needed. */
function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CGO_ENABLED: '0',
    GOFLAGS: '-mod=mod -buildvcs=false',
    GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'auto',
    ...extra,
  };
}

/**
 * Builds (or finds in the cache) a Go build; `log` receives the go commands' output.
 * Resolves with the folder of the binaries and whether it came from the cache.
 */
export async function buildGo(build: GoBuild, log: string): Promise<{ dir: string; cached: boolean }> {
  const found = findGoBuild(build);
  if (found) return { dir: found, cached: true };
  const dir = goBuildDir(build);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const out = await fs.mkdtemp(`${dir}.tmp-`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), `myhotel-go-${build.name}-`));
  const go: GoRunner = async (args, cwd, env) =>
    (await exec('go', args, { cwd, env: goEnv(env), log })).stdout;
  const note = (line: string) => fs.appendFile(log, `${line}\n`).catch(() => undefined);
  try {
    await build.build({ out, work, go, note: (line) => void note(line) });
    const missing = build.binaries.filter((b) => !existsSync(path.join(out, b)));
    if (missing.length) throw new Error(`${build.name}: the build produced no ${missing.join(', ')}`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(out, dir);
  } finally {
    await fs.rm(out, { recursive: true, force: true });
    await fs.rm(work, { recursive: true, force: true });
  }
  return { dir, cached: false };
}

/** Text of a file of the Go module proxy (GOPROXY's first entry, else proxy.golang.org). */
export async function fetchFromGoProxy(pathInProxy: string): Promise<string> {
  const proxy =
    (process.env.GOPROXY ?? '')
      .split(/[,|]/)
      .find((p) => p.startsWith('http'))
      ?.replace(/\/$/, '') ?? 'https://proxy.golang.org';
  const res = await fetch(`${proxy}/${pathInProxy}`);
  if (!res.ok) throw new Error(`${proxy}/${pathInProxy}: HTTP ${res.status}`);
  return res.text();
}

/** `-X pkg.name=value` linker flags. */
export const goLinkerVars = (pkg: string, vars: Record<string, string>): string[] =>
  Object.entries(vars).map(([name, value]) => `-X ${pkg}.${name}=${value}`);

/** Where `go mod download` put a module's source (read-only; copy it to patch it). */
export async function goModuleSource(go: GoRunner, cwd: string, module: string): Promise<string> {
  const info = JSON.parse(await go(['mod', 'download', '-json', module], cwd)) as {
    Dir?: string;
    Error?: string;
  };
  if (!info.Dir) throw new Error(`go mod download ${module}: ${info.Error ?? 'no source folder'}`);
  return info.Dir;
}

/** Files of a module from the Go module proxy (manifests, CRDs), copied into the cache. */
export function moduleFiles(
  name: string,
  module: string,
  version: string,
  files: Record<string, string>,
): GoBuild {
  return {
    name: `${name}-v${version}`,
    recipe: { module, version, files },
    binaries: Object.keys(files),
    async build({ out, work, go }) {
      const src = await goModuleSource(go, work, `${module}@v${version}`);
      for (const [to, from] of Object.entries(files))
        await fs.copyFile(path.join(src, from), path.join(out, to));
    },
  };
}
