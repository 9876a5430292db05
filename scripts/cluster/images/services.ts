/**
 * The auth and hotel images, built from the repository's own Dockerfile with buildah (no Docker
 * engine, no registry): the same file users build against the official node image, given the
 * locally assembled Node.js base instead (--build-arg NODE_IMAGE / BUILD_IMAGE). buildah's
 * layer cache (--layers) makes a rebuild of unchanged sources take seconds.
 */
import { exec } from '../../lib/exec';
import { nodeBuildImage, nodeImage } from './base';

export const SERVICES = ['auth', 'hotel'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** image.registry of the chart for the local images. */
export const SERVICE_REGISTRY = 'localhost/myhotel';
export const serviceImage = (service: ServiceName, tag: string): string =>
  `${SERVICE_REGISTRY}/${service}:${tag}`;

export interface ServiceBuild {
  /** Build context: the repository, or a copy of it with a change (the upgrade test). */
  context: string;
  tag: string;
  log: string;
}

/**
 * buildah's RUN steps get an open-files limit of 1024, and the Dockerfile's `npm ci` with an empty
 * npm cache (a cold CI machine) opens more at once: EMFILE. They get this machine's hard limit.
 */
async function openFilesLimit(): Promise<string> {
  const hard = (await exec('sh', ['-c', 'ulimit -Hn'])).stdout.trim();
  return hard === 'unlimited' ? '1048576' : hard;
}

export async function buildServiceImages({ context, tag, log }: ServiceBuild): Promise<void> {
  const nofile = await openFilesLimit();
  for (const service of SERVICES) {
    await exec(
      'buildah',
      [
        'bud',
        '--layers',
        '--ulimit',
        `nofile=${nofile}:${nofile}`,
        '--pull-never',
        '--isolation',
        'chroot',
        '--network',
        'host',
        '--build-arg',
        `NODE_IMAGE=${nodeImage()}`,
        '--build-arg',
        `BUILD_IMAGE=${nodeBuildImage()}`,
        '--build-arg',
        `SERVICE=${service}`,
        '--tag',
        serviceImage(service, tag),
        '--file',
        'Dockerfile',
        '.',
      ],
      { cwd: context, log },
    );
  }
}
