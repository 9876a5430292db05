/**
 * Debian packages the cluster needs on the host, installed with apt-get when missing: the
 * container runtime (containerd, runc, CNI plugins), what kube-proxy and kube-router drive
 * (iptables, ipset, conntrack), the image tools (debootstrap, buildah) and openssl for the
 * certificates.
 */
import { exec } from '../lib/exec';

const HOST_PACKAGES = [
  'containerd',
  'runc',
  'containernetworking-plugins',
  'iptables',
  'ipset',
  'conntrack',
  'debootstrap',
  'buildah',
  'openssl',
  'util-linux',
];

async function missingPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of HOST_PACKAGES) {
    const r = await exec('dpkg-query', ['-W', '-f', '${Status}', pkg], { allowFailure: true });
    if (!r.stdout.includes('install ok installed')) missing.push(pkg);
  }
  return missing;
}

/** Installs the missing packages; resolves with their names (empty: nothing to do). */
export async function ensureHostPackages(log: string): Promise<string[]> {
  const missing = await missingPackages();
  if (!missing.length) return [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await exec('apt-get', ['update', '-qq'], { log, env });
  await exec('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { log, env });
  return missing;
}

/** Why this machine cannot run the cluster, or undefined when it can. */
export function unsupportedHost(): string | undefined {
  if (process.platform !== 'linux') return `the local cluster needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the local cluster needs root (network namespaces, mounts, cgroups)';
  return undefined;
}
