/**
 * `up`, `down` and `status` of the local single-node cluster. `up` builds or reuses (caches)
 * everything, then starts the control plane, the node and the add-ons inside the cluster's
 * network namespace; `down` stops every process it started, removes the namespace, the mounts,
 * the cgroups and the state, and puts back what it changed on the host (host-state.ts).
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { buildGo, type GoBuild } from '../lib/go-build';
import { CACHED, type StepRunner } from '../lib/steps';
import { exec } from '../lib/exec';
import { kubernetesBinariesIn, kubernetesBuild, repoRoot } from '../tools';
import { KUBERNETES_VERSION } from '../lib/versions';
import { freePort } from '../../tooling/free-port';
import { ADDON_DEPLOYMENTS, addonManifests, kubeRouterRbac } from './addons';
import * as components from './components';
import {
  corednsBuild,
  kubeRouterBuild,
  localPathManifest,
  localPathProvisionerBuild,
  traefikBuild,
} from './go-tools';
import { gatewayApiCrds, serviceMonitorCrd } from '../lib/crds';
import { ensureHostPackages, unsupportedHost } from './host-packages';
import {
  addonImages,
  buildBaseImages,
  buildClusterImages,
  importImages,
  pauseImage,
  type ToolBinaries,
} from './images';
import { buildServiceImages, SERVICES, serviceImage } from './images/services';
import { apply, getJson, kubectl, waitFor, waitForDeployments } from './kube';
import {
  API_PORT_IN_NETNS,
  type HostPorts,
  hostPorts,
  INGRESS_SERVICE_IP,
  NETNS,
  NODE_IP,
  NODE_NAME,
  paths,
  preferredHostPorts,
} from './layout';
import { assertNoRouteOut, createNetwork, deleteNetwork, netnsExists } from './network';
import { hostLeftovers, restoreHostState, saveHostState } from './host-state';
import { createPki } from './pki';
import {
  createCgroupRoot,
  daemonPid,
  type DaemonSpec,
  leftoverCgroups,
  startDaemon,
  stopDaemons,
  sweepProcesses,
  trackedPids,
} from './processes';

/** Tag of the auth and hotel images `up` builds from the working tree. */
export const DEV_TAG = 'dev';

const BRIDGES = { netns: 'bridge-netns', host: 'bridge-host' } as const;
const ALL_DAEMONS = [...components.DAEMON_ORDER, BRIDGES.netns, BRIDGES.host];

interface Built {
  bins: components.Binaries;
  tools: ToolBinaries;
  files: { localPath: string; gatewayApiCrds: string; serviceMonitorCrd: string };
}

async function goStep(steps: StepRunner, title: string, build: GoBuild): Promise<string> {
  let dir = '';
  await steps.run(title, async ({ log }) => {
    const result = await buildGo(build, log);
    dir = result.dir;
    return result.cached ? CACHED : undefined;
  });
  return dir;
}

/** Builds (or finds in the caches) every program and manifest the cluster runs. */
export async function buildTools(steps: StepRunner): Promise<Built> {
  await steps.run('Debian packages (containerd, runc, CNI, iptables, buildah, ...)', async ({ log }) => {
    const installed = await ensureHostPackages(log);
    return installed.length ? `installed ${installed.join(' ')}` : CACHED;
  });
  const k8s = await goStep(steps, `Kubernetes v${KUBERNETES_VERSION} (go build)`, kubernetesBuild);
  const kubeRouter = await goStep(steps, 'kube-router (go build)', kubeRouterBuild);
  const coredns = await goStep(steps, 'CoreDNS (go build)', corednsBuild);
  const localPath = await goStep(steps, 'local-path-provisioner (go build)', localPathProvisionerBuild);
  const traefik = await goStep(steps, 'Traefik (go build)', traefikBuild);
  const files = {
    localPath: await goStep(steps, 'local-path-provisioner manifest', localPathManifest),
    gatewayApiCrds: await goStep(steps, 'Gateway API CRDs', gatewayApiCrds),
    serviceMonitorCrd: await goStep(steps, 'ServiceMonitor CRD', serviceMonitorCrd),
  };
  const bin = (dir: string, name: string) => path.join(dir, name);
  const kubernetes = kubernetesBinariesIn(k8s);
  return {
    bins: { ...kubernetes, kubeRouter: bin(kubeRouter, 'kube-router') },
    tools: {
      pause: kubernetes.pause,
      coredns: bin(coredns, 'coredns'),
      traefik: bin(traefik, 'traefik'),
      localPathProvisioner: bin(localPath, 'local-path-provisioner'),
    },
    files,
  };
}

export interface ImagesToImport {
  cluster: string[];
  chart: string[];
}

/** Builds the cluster's images, the chart's base images and auth/hotel from the Dockerfile. */
export async function buildImages(steps: StepRunner, built: Built): Promise<ImagesToImport> {
  let cluster: string[] = [];
  let chart: string[] = [];
  await steps.run(
    'cluster images (Debian rootfs, shell tools, pause, CoreDNS, Traefik, local-path)',
    async ({ log }) => {
      const set = await buildClusterImages(built.tools, log);
      cluster = set.images;
      return set.built ? undefined : CACHED;
    },
  );
  await steps.run('base images (Node.js, Node.js build, PostgreSQL)', async ({ log }) => {
    const set = await buildBaseImages(log);
    chart = set.images;
    return set.built ? undefined : CACHED;
  });
  await steps.run(`auth and hotel images from the Dockerfile (tag ${DEV_TAG})`, async ({ log }) => {
    await buildServiceImages({ context: repoRoot, tag: DEV_TAG, log });
    return SERVICES.map((s) => serviceImage(s, DEV_TAG)).join(', ');
  });
  return { cluster, chart: [...chart, ...SERVICES.map((s) => serviceImage(s, DEV_TAG))] };
}

const apiReady = async () => {
  const r = await kubectl(['get', '--raw', '/readyz'], { allowFailure: true, timeoutMs: 5000 });
  return r.code === 0 && r.stdout.trim() === 'ok' ? true : undefined;
};

/** The running state: undefined when nothing runs, 'up' when every daemon runs, else 'partial'. */
export function clusterState(): 'up' | 'partial' | undefined {
  const running = ALL_DAEMONS.filter((d) => daemonPid(d));
  if (running.length === 0 && !netnsExists()) return undefined;
  return running.length === ALL_DAEMONS.length ? 'up' : 'partial';
}

const bridgeSocket = (name: string) => path.join(paths.run, `${name}.sock`);

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** The preferred host ports, or free ones for those another program (or cluster) holds. */
async function claimHostPorts(): Promise<HostPorts> {
  const ports = { ...preferredHostPorts };
  for (const key of Object.keys(ports) as Array<keyof HostPorts>) {
    if (!(await portIsFree(ports[key]))) ports[key] = await freePort();
  }
  await fs.writeFile(paths.hostPorts, JSON.stringify(ports));
  return ports;
}

function bridges(ports: HostPorts): { netns: DaemonSpec; host: DaemonSpec } {
  const script = path.join(__dirname, 'bridge.ts');
  const api = `unix:${bridgeSocket('api')}`;
  const http = `unix:${bridgeSocket('http')}`;
  return {
    netns: {
      name: BRIDGES.netns,
      command: process.execPath,
      args: [script, api, `tcp:${NODE_IP}:${API_PORT_IN_NETNS}`, http, `tcp:${INGRESS_SERVICE_IP}:80`],
    },
    host: {
      name: BRIDGES.host,
      command: process.execPath,
      args: [script, `tcp:127.0.0.1:${ports.api}`, api, `tcp:127.0.0.1:${ports.http}`, http],
      hostNetwork: true,
    },
  };
}

/** Starts the cluster from built tools and images. */
export async function start(steps: StepRunner, built: Built, images: ImagesToImport): Promise<void> {
  const { bins } = built;
  await steps.run(`network namespace ${NETNS} (no route out)`, async ({ log }) => {
    await saveHostState();
    await createNetwork(log);
    return `node ${NODE_IP}, no default route`;
  });
  await steps.run('control plane (etcd, kube-apiserver, controller-manager, scheduler)', async ({ log }) => {
    for (const dir of [paths.run, paths.logs, paths.etcd, paths.volumes])
      await fs.mkdir(dir, { recursive: true });
    const ports = await claimHostPorts();
    await createPki(log, ports);
    await startDaemon(components.etcd(bins));
    await startDaemon(components.kubeApiserver(bins));
    const bridge = bridges(ports);
    await startDaemon(bridge.netns);
    await startDaemon(bridge.host);
    await waitFor('kube-apiserver /readyz', apiReady, 120_000);
    await startDaemon(components.kubeControllerManager(bins));
    await startDaemon(components.kubeScheduler(bins));
    return `API server on 127.0.0.1:${ports.api}`;
  });
  await steps.run('containerd and image import', async ({ log }) => {
    await startDaemon(await components.containerd(pauseImage));
    await waitFor(
      'containerd',
      async () => (existsSync(paths.containerdSocket) ? true : undefined),
      30_000,
      200,
    );
    await importImages([...images.cluster, ...images.chart], log);
    return `${images.cluster.length + images.chart.length} images`;
  });
  await steps.run('node (kubelet, kube-proxy, kube-router)', async ({ log }) => {
    await createCgroupRoot();
    await startDaemon(await components.kubelet(bins));
    const podCidr = await waitFor(
      `node ${NODE_NAME} with a podCIDR`,
      async () => (await getJson<{ spec?: { podCIDR?: string } }>(['node', NODE_NAME])).spec?.podCIDR,
      120_000,
    );
    await components.writeCniConfig(podCidr);
    await startDaemon(await components.kubeProxy(bins));
    await apply(kubeRouterRbac(), log);
    await startDaemon(components.kubeRouter(bins));
    await kubectl(['wait', '--for=condition=Ready', `node/${NODE_NAME}`, '--timeout=120s'], { log });
    await assertNoRouteOut();
    return `node ${NODE_NAME} Ready, pods ${podCidr}`;
  });
  await steps.run('add-ons (CoreDNS, local-path storage, Traefik ingress + Gateway API)', async ({ log }) => {
    const { crds, objects } = await addonManifests(addonImages(), built.files);
    await apply(crds, log);
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s'], { log });
    await apply(objects, log);
    await waitForDeployments(ADDON_DEPLOYMENTS, 180_000, log);
    return `ingress on 127.0.0.1:${hostPorts().http}`;
  });
}

/**
 * The PID of a live cluster test that owns this cluster (it takes the cluster down when done),
 * other than this process; `up`, `down` and another test leave such a cluster alone.
 */
export function ownerOtherThanMe(): number | undefined {
  if (!existsSync(paths.owner)) return undefined;
  const pid = Number(readFileSync(paths.owner, 'utf8'));
  // the owner itself, or a command it runs (the README's `npm run cluster up`, via the test)
  if (!pid || pid === process.pid || String(pid) === process.env.MYHOTEL_CLUSTER_OWNER) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Marks this process as the cluster's owner until release() (the cluster test). */
export async function own(): Promise<{ release: () => Promise<void> }> {
  await fs.mkdir(paths.root, { recursive: true });
  await fs.writeFile(paths.owner, String(process.pid));
  return { release: () => fs.rm(paths.owner, { force: true }) };
}

/** Everything mounted below the cluster's state folder, deepest first. */
function mountsBelow(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines
    .map((l) => l.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export interface DownReport {
  killed: string[];
  swept: number;
  unmounted: number;
  /** Host sysctls and folders put back. */
  restored: string[];
}

/** Stops everything `up` started and removes its traces. Safe to call when nothing runs. */
export async function down(log: string): Promise<DownReport> {
  const killed = await stopDaemons([...ALL_DAEMONS].reverse());
  const swept = await sweepProcesses();
  const mounts = mountsBelow(paths.state);
  for (const point of mounts) {
    const r = await exec('umount', [point], { allowFailure: true, log });
    if (r.code !== 0) await exec('umount', ['-l', point], { log });
  }
  await deleteNetwork(log);
  const restored = await restoreHostState();
  await fs.rm(paths.state, { recursive: true, force: true });
  return { killed, swept, unmounted: mounts.length, restored };
}

/** What is left of the cluster on the host (empty after a clean `down`). */
export async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  for (const d of ALL_DAEMONS) if (daemonPid(d)) found.push(`process ${d} (${daemonPid(d)})`);
  const pids = await trackedPids();
  if (pids.length) found.push(`processes in the cluster's cgroup: ${pids.join(' ')}`);
  if (netnsExists()) found.push(`network namespace ${NETNS}`);
  for (const m of mountsBelow(paths.root)) found.push(`mount ${m}`);
  for (const cg of await leftoverCgroups()) found.push(`cgroup ${cg}`);
  if (existsSync(paths.state)) found.push(`state folder ${paths.state}`);
  found.push(...(await hostLeftovers()));
  return found;
}

export async function status(): Promise<string> {
  const lines = [`network namespace ${NETNS}: ${netnsExists() ? 'present' : 'absent'}`];
  for (const d of ALL_DAEMONS)
    lines.push(`  ${d.padEnd(24)} ${daemonPid(d) ? `running (pid ${daemonPid(d)})` : 'stopped'}`);
  if (daemonPid('kube-apiserver') && daemonPid(BRIDGES.host)) {
    const r = await kubectl(['get', 'nodes,pods', '-A', '-o', 'wide'], {
      allowFailure: true,
      timeoutMs: 10_000,
    });
    lines.push('', r.stdout.trim() || r.stderr.trim());
    lines.push('', `KUBECONFIG=${paths.kubeconfig}`, `ingress: http://127.0.0.1:${hostPorts().http}`);
  }
  return lines.join('\n');
}

/** The host-side ingress URL and kubeconfig. */
export const endpoints = () => ({
  kubeconfig: paths.kubeconfig,
  ingressUrl: `http://127.0.0.1:${hostPorts().http}`,
});

export { unsupportedHost };
