/**
 * Images that are one static Go binary on an empty root: the pod sandbox (pause), CoreDNS,
 * Traefik and local-path-provisioner.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Buildah, recipeHash } from '../buildah';

export interface BinaryImage {
  image: string;
  /** The binary, copied to /<name>, and the image's entrypoint. */
  binary: string;
  /** Extra `buildah config` flags. */
  config?: string[];
}

async function fileHash(file: string): Promise<string> {
  const stat = await fs.stat(file);
  return `${stat.size}-${stat.mtimeMs}`;
}

export async function buildBinaryImage(buildah: Buildah, spec: BinaryImage): Promise<boolean> {
  const name = path.basename(spec.binary);
  const recipe = recipeHash({ ...spec, binary: await fileHash(spec.binary) });
  if (await buildah.isCurrent(spec.image, recipe)) return false;
  await buildah.assemble(
    spec.image,
    recipe,
    'scratch',
    async (root) => {
      await fs.copyFile(spec.binary, path.join(root, name));
      await fs.chmod(path.join(root, name), 0o755);
      await fs.mkdir(path.join(root, 'tmp'), { mode: 0o1777 });
    },
    ['--entrypoint', JSON.stringify([`/${name}`]), ...(spec.config ?? [])],
  );
  return true;
}
