/**
 * What the cluster changes on the host outside its own folder, recorded by `up` and put back by
 * `down`: the sysctls the kubelet sets (setupKernelTunables) and the folders that containerd,
 * libcni and the kubelet create at fixed paths whatever they are configured with.
 */
import { existsSync, promises as fs } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { CNI_NETWORK, paths } from './layout';

const HOST_SYSCTLS = [
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
];
/** containerd's shim sockets, libcni's result cache, kubelet's device-plugin folder and log links. */
const HOST_FOLDERS = [
  '/run/containerd',
  '/var/lib/cni',
  '/var/lib/kubelet',
  '/var/log/containers',
  '/var/log/pods',
];

interface HostState {
  sysctls: Record<string, string>;
  /** HOST_FOLDERS that did not exist before the cluster started (removed by `down`). */
  createdFolders: string[];
}

const sysctlPath = (key: string) => `/proc/sys/${key.replace(/\./g, '/')}`;

/** Records the host state once; a second `up` keeps the first record (the true originals). */
export async function saveHostState(): Promise<void> {
  if (existsSync(paths.hostState)) return;
  const state: HostState = { sysctls: {}, createdFolders: HOST_FOLDERS.filter((f) => !existsSync(f)) };
  for (const key of HOST_SYSCTLS) state.sysctls[key] = (await fs.readFile(sysctlPath(key), 'utf8')).trim();
  await fs.mkdir(paths.root, { recursive: true });
  await fs.writeFile(paths.hostState, JSON.stringify(state, null, 2));
}

/** Whether a Unix socket file has no listener any more (a live one belongs to another cluster). */
const deadSocket = (file: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ path: file });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/** A libcni result cache file of one of this cluster's pods (its netns lies in our state folder). */
async function cniResultOfOurs(file: string): Promise<boolean> {
  if (path.basename(file).startsWith(`${CNI_NETWORK}-`)) return true;
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.includes(`"sandbox":"${paths.state}/`);
}

/**
 * Removes what this cluster left in a host folder it created, and nothing of anyone else's:
 * links into its pod logs, dead sockets, CNI results of its network; then empty subfolders.
 */
async function pruneFolder(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await pruneFolder(full);
      await fs.rmdir(full).catch(() => undefined); // only when empty
    } else if (entry.isSymbolicLink()) {
      if ((await fs.readlink(full)).startsWith(paths.podLogs)) await fs.rm(full, { force: true });
    } else if (entry.isSocket()) {
      if (await deadSocket(full)) await fs.rm(full, { force: true });
    } else if (await cniResultOfOurs(full)) {
      await fs.rm(full, { force: true });
    }
  }
}

/** Links the kubelet made into this cluster's pod logs (in a folder that may predate it). */
async function removeLogLinks(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink() && (await fs.readlink(full)).startsWith(paths.podLogs)) await fs.rm(full);
  }
}

/** Puts the host back; resolves with what it changed back (sysctls, folders). */
export async function restoreHostState(): Promise<string[]> {
  const restored: string[] = [];
  await removeLogLinks('/var/log/containers');
  if (!existsSync(paths.hostState)) return restored;
  const state = JSON.parse(await fs.readFile(paths.hostState, 'utf8')) as HostState;
  for (const [key, value] of Object.entries(state.sysctls)) {
    const now = (await fs.readFile(sysctlPath(key), 'utf8')).trim();
    if (now !== value) {
      await fs.writeFile(sysctlPath(key), value);
      restored.push(`${key} ${now}→${value}`);
    }
  }
  for (const folder of state.createdFolders) {
    await pruneFolder(folder);
    // removed when empty: another cluster's live sockets keep it
    if (
      await fs.rmdir(folder).then(
        () => true,
        () => false,
      )
    )
      restored.push(`removed ${folder}`);
  }
  await fs.rm(paths.hostState);
  return restored;
}

/** This cluster's entries still in the host folders (empty after a clean `down`). */
export async function hostLeftovers(): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isSymbolicLink() && (await fs.readlink(full)).startsWith(paths.podLogs))
        found.push(full);
      else if (entry.isFile() && (await cniResultOfOurs(full))) found.push(full);
    }
  };
  for (const folder of HOST_FOLDERS) await visit(folder);
  return found;
}
