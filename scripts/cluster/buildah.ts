/**
 * The few buildah operations the image builds need. Images live in buildah's own storage
 * (/var/lib/containers/storage), which outlives clones and `npm ci`; each image carries the hash
 * of the recipe that made it (label myhotel.recipe), so a rebuild happens only when that changes.
 */
import { createHash } from 'node:crypto';
import { exec } from '../lib/exec';

const RECIPE_LABEL = 'myhotel.recipe';

export const recipeHash = (recipe: unknown): string =>
  createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);

export class Buildah {
  constructor(private readonly log: string) {}

  run(args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
    return exec('buildah', args, { log: this.log, ...options }).then((r) => r.stdout.trim());
  }

  /** The recipe hash an image was built from, or undefined when there is no such image. */
  async recipeOf(image: string): Promise<string | undefined> {
    const format = `{{index .OCIv1.Config.Labels "${RECIPE_LABEL}"}}`;
    const r = await exec('buildah', ['inspect', '--type', 'image', '--format', format, image], {
      allowFailure: true,
    });
    return r.code === 0 ? r.stdout.trim() || undefined : undefined;
  }

  async isCurrent(image: string, recipe: string): Promise<boolean> {
    return (await this.recipeOf(image)) === recipe;
  }

  /**
   * A working container from `base` ('scratch' for an empty one), mounted; `fill` writes into
   * its root folder, `config` are `buildah config` flags; committed as `image` with the recipe
   * label. The working container is removed in any case.
   */
  async assemble(
    image: string,
    recipe: string,
    base: string,
    fill: (root: string, container: string) => Promise<void>,
    config: string[] = [],
  ): Promise<void> {
    const container = await this.run(['from', '--pull-never', base]);
    try {
      const root = await this.run(['mount', container]);
      await fill(root, container);
      await this.run(['umount', container]);
      await this.run(['config', ...config, '--label', `${RECIPE_LABEL}=${recipe}`, container]);
      await this.run(['commit', '--quiet', container, image]);
    } finally {
      await exec('buildah', ['rm', container], { log: this.log, allowFailure: true });
    }
  }

  /** Runs a command inside a working container (host network: package downloads). */
  runIn(container: string, command: string[]): Promise<string> {
    return this.run(['run', '--isolation', 'chroot', '--network', 'host', container, '--', ...command]);
  }

  /** Writes an image as a docker-archive tarball (what `ctr images import` reads). */
  async exportArchive(image: string, file: string): Promise<void> {
    await this.run(['push', '--quiet', image, `docker-archive:${file}:${image}`]);
  }

  /** The image's id (changes with its content). */
  imageId(image: string): Promise<string> {
    return this.run(['inspect', '--type', 'image', '--format', '{{.FromImageID}}', image]);
  }
}
