/**
 * The cluster's processes. Each daemon is started detached inside the network namespace, with
 * its PID in run/<name>.pid and its output in logs/<name>.log, and joins the tracking cgroup
 * before it runs (a one-line shell moves itself there, then execs), so everything it starts, down
 * to containerd's shims and every container, stays below the cgroup CGROUP_NAME, where kubelet
 * also puts the pods (cgroupRoot). `down` stops the daemons by PID, then kills every PID still
 * listed in that cgroup tree and removes it: nothing the cluster started survives it.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { CGROUP_NAME, NETNS, paths } from './layout';

const CGROUP_ROOT = '/sys/fs/cgroup';
const cgroupV2 = existsSync(path.join(CGROUP_ROOT, 'cgroup.controllers'));
/** The hierarchy used to find the cluster's processes: cgroup v2, or v1's pids controller. */
const trackingHierarchy = cgroupV2 ? CGROUP_ROOT : path.join(CGROUP_ROOT, 'pids');
const trackingRoot = path.join(trackingHierarchy, CGROUP_NAME);
const daemonCgroup = path.join(trackingRoot, 'daemons');

const pidFile = (name: string): string => path.join(paths.run, `${name}.pid`);
const logFile = (name: string): string => path.join(paths.logs, `${name}.log`);

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Run in the host's network namespace instead of the cluster's (the host side of the bridge). */
  hostNetwork?: boolean;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** PID of a running daemon, or undefined. */
export function daemonPid(name: string): number | undefined {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  return pid > 0 && alive(pid) ? pid : undefined;
}

export async function startDaemon(spec: DaemonSpec): Promise<number> {
  const running = daemonPid(spec.name);
  if (running) return running;
  await fs.mkdir(daemonCgroup, { recursive: true });
  await fs.mkdir(paths.run, { recursive: true });
  await fs.mkdir(paths.logs, { recursive: true });
  const out = openSync(logFile(spec.name), 'a');
  const enter = spec.hostNetwork ? [] : ['nsenter', `--net=/run/netns/${NETNS}`, '--'];
  const child = spawn(
    'sh',
    [
      '-c',
      `echo $$ > ${daemonCgroup}/cgroup.procs && exec "$@"`,
      spec.name,
      ...enter,
      spec.command,
      ...spec.args,
    ],
    { detached: true, stdio: ['ignore', out, out], env: spec.env ?? process.env },
  );
  child.unref();
  if (!child.pid) throw new Error(`${spec.name}: could not start ${spec.command}`);
  await fs.writeFile(pidFile(spec.name), String(child.pid));
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (!alive(child.pid)) {
    throw new Error(`${spec.name} exited at once; see ${logFile(spec.name)}`);
  }
  return child.pid;
}

async function waitForExit(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = left.filter(alive);
  }
  return left;
}

/**
 * Stops daemons by PID: SIGTERM, then SIGKILL after graceMs (kube-apiserver may ignore SIGTERM
 * while watches are open). Resolves with the names that had to be killed.
 */
export async function stopDaemons(names: string[], graceMs = 5000): Promise<string[]> {
  const running = names.flatMap((name) => {
    const pid = daemonPid(name);
    return pid ? [{ name, pid }] : [];
  });
  for (const { pid } of running) process.kill(pid, 'SIGTERM');
  const stubborn = await waitForExit(
    running.map((r) => r.pid),
    graceMs,
  );
  for (const pid of stubborn) process.kill(pid, 'SIGKILL');
  await waitForExit(stubborn, 5000);
  for (const name of names) await fs.rm(pidFile(name), { force: true });
  return running.filter((r) => stubborn.includes(r.pid)).map((r) => r.name);
}

/** The mounted cgroup hierarchies (one for v2, one per controller for v1). */
async function hierarchies(): Promise<string[]> {
  if (cgroupV2) return [CGROUP_ROOT];
  const entries = await fs.readdir(CGROUP_ROOT, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(CGROUP_ROOT, e.name));
}

/** Every cgroup below `dir`, deepest first. */
async function cgroupsBelow(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const children = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => cgroupsBelow(path.join(dir, e.name))),
  );
  return [...children.flat(), dir];
}

/**
 * Creates the cluster's cgroup in every hierarchy (kubelet requires its cgroupRoot everywhere);
 * a v1 cpuset cgroup starts without CPUs and memory nodes, so it gets its parent's.
 */
export async function createCgroupRoot(): Promise<void> {
  for (const hierarchy of await hierarchies()) {
    const dir = path.join(hierarchy, CGROUP_NAME);
    await fs.mkdir(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (!cgroupV2 && existsSync(path.join(dir, file))) {
        const current = (await fs.readFile(path.join(dir, file), 'utf8')).trim();
        if (!current)
          await fs.writeFile(path.join(dir, file), await fs.readFile(path.join(hierarchy, file), 'utf8'));
      }
    }
  }
}

/** PIDs of every process in the tracking cgroup tree. */
export async function trackedPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const cg of await cgroupsBelow(trackingRoot)) {
    const text = await fs.readFile(path.join(cg, 'cgroup.procs'), 'utf8').catch(() => '');
    pids.push(...text.split('\n').filter(Boolean).map(Number));
  }
  return pids;
}

/**
 * Kills (SIGKILL, by PID) every process still in the tracking cgroup tree until none is left,
 * then removes the cluster's cgroups from every hierarchy. Resolves with how many it killed.
 */
export async function sweepProcesses(): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 50; round++) {
    const pids = await trackedPids();
    if (!pids.length) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const left = await trackedPids();
  if (left.length) throw new Error(`processes left in the cluster's cgroup: ${left.join(', ')}`);
  for (const hierarchy of await hierarchies()) {
    for (const cg of await cgroupsBelow(path.join(hierarchy, CGROUP_NAME))) {
      await fs.rmdir(cg).catch(() => undefined);
    }
  }
  return killed;
}

/** Whether any cgroup of the cluster is left in some hierarchy. */
export async function leftoverCgroups(): Promise<string[]> {
  return (await hierarchies()).map((h) => path.join(h, CGROUP_NAME)).filter((dir) => existsSync(dir));
}
