/**
 * Every image the cluster and the chart need, built without a registry (buildah) and imported
 * into the cluster's containerd (`ctr images import`). Export archives are kept by image id in
 * the cluster's cache folder, so a warm `up` only imports them.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { exec } from '../../lib/exec';
import {
  KUBERNETES_VERSION,
  COREDNS_VERSION,
  LOCAL_PATH_PROVISIONER_VERSION,
  TRAEFIK_VERSION,
} from '../../lib/versions';
import type { AddonImages } from '../addons';
import { Buildah } from '../buildah';
import { paths } from '../layout';
import {
  buildDebianImage,
  buildNodeBuildImage,
  buildNodeImage,
  buildShellToolsImage,
  LOCAL_REGISTRY,
  shellToolsImage,
} from './base';
import { buildBinaryImage } from './binaries';
import { buildPostgresImage, postgresImage } from './postgres';

export interface ToolBinaries {
  pause: string;
  coredns: string;
  traefik: string;
  localPathProvisioner: string;
}

export const pauseImage = `${LOCAL_REGISTRY}/pause:${KUBERNETES_VERSION}`;

export function addonImages(): AddonImages {
  return {
    coredns: `${LOCAL_REGISTRY}/coredns:v${COREDNS_VERSION}`,
    traefik: `${LOCAL_REGISTRY}/traefik:v${TRAEFIK_VERSION}`,
    localPathProvisioner: `${LOCAL_REGISTRY}/local-path-provisioner:v${LOCAL_PATH_PROVISIONER_VERSION}`,
    shellTools: shellToolsImage,
  };
}

export interface ImageSet {
  images: string[];
  /** Whether any of them had to be (re)built. */
  built: boolean;
}

/** The images of the cluster's own pods (sandbox, DNS, storage, ingress). */
export async function buildClusterImages(tools: ToolBinaries, log: string): Promise<ImageSet> {
  const buildah = new Buildah(log);
  const images = await addonImages();
  const built = [
    await buildDebianImage(buildah, log),
    await buildShellToolsImage(buildah, log),
    await buildBinaryImage(buildah, { image: pauseImage, binary: tools.pause }),
    await buildBinaryImage(buildah, { image: images.coredns, binary: tools.coredns }),
    await buildBinaryImage(buildah, { image: images.traefik, binary: tools.traefik }),
    await buildBinaryImage(buildah, {
      image: images.localPathProvisioner,
      binary: tools.localPathProvisioner,
      config: ['--env', 'PATH=/'],
    }),
  ];
  return { images: [pauseImage, ...Object.values(images)], built: built.some(Boolean) };
}

/** The Dockerfile's Node.js bases and PostgreSQL (the chart's database). */
export async function buildBaseImages(log: string): Promise<ImageSet> {
  const buildah = new Buildah(log);
  const built = [
    await buildNodeImage(buildah, log),
    await buildNodeBuildImage(buildah, log),
    await buildPostgresImage(buildah, log),
  ];
  return { images: [postgresImage()], built: built.some(Boolean) };
}

const ctr = (args: string[], log?: string) =>
  exec('ctr', ['--address', paths.containerdSocket, '--namespace', 'k8s.io', ...args], { log });

const archiveName = (image: string) => image.replace(/[^\w.-]+/g, '_');

/**
 * Imports images into the cluster's containerd. The exported archive of each image name is kept
 * with the image id it holds, so it is exported again only when the image changed.
 */
export async function importImages(images: string[], log: string): Promise<void> {
  const buildah = new Buildah(log);
  await fs.mkdir(paths.imageArchives, { recursive: true });
  for (const image of images) {
    const id = await buildah.imageId(image);
    const archive = path.join(paths.imageArchives, `${archiveName(image)}.tar`);
    const idFile = `${archive}.id`;
    const cachedId = existsSync(idFile) ? await fs.readFile(idFile, 'utf8') : '';
    if (cachedId !== id || !existsSync(archive)) {
      await fs.rm(archive, { force: true });
      await buildah.exportArchive(image, archive);
      await fs.writeFile(idFile, id);
    }
    await ctr(['images', 'import', archive], log);
  }
}
