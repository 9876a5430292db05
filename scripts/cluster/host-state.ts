/**
 * What the cluster changes on the host outside its own folder, recorded by `up` and put back by
 * `down`: the sysctls the kubelet sets (setupKernelTunables) and the folders that containerd,
 * libcni and the kubelet create at fixed paths whatever they are configured with.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { paths } from './layout';

const HOST_SYSCTLS = [
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
];
/** containerd's shim sockets, libcni's result cache, kubelet's device-plugin folder, kubelet's log links. */
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

/** Puts the host back; resolves with what it changed back (sysctls, folders). */
export async function restoreHostState(): Promise<string[]> {
  const restored: string[] = [];
  // the kubelet's links to pod logs, in a folder that may be shared with other software
  for (const entry of await fs.readdir('/var/log/containers').catch(() => [])) {
    const link = path.join('/var/log/containers', entry);
    if ((await fs.readlink(link).catch(() => '')).startsWith(paths.podLogs))
      await fs.rm(link, { force: true });
  }
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
    if (existsSync(folder)) {
      await fs.rm(folder, { recursive: true, force: true });
      restored.push(`removed ${folder}`);
    }
  }
  await fs.rm(paths.hostState);
  return restored;
}
