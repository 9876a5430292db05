/**
 * Where the local cluster lives and how its network is laid out. Everything runs inside the
 * network namespace NETNS, created by `up` with no route to the machine's real network: the node
 * address, the pod and the service ranges exist only there. The host reaches the API server and
 * the ingress only through loopback ports bridged into the namespace over Unix sockets (bridge.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../lib/cache';

const root = cacheDir('cluster');
/**
 * One cluster per cache root. The names it gives host-wide objects (network namespace, cgroup,
 * CNI network) carry a short hash of that root, so clusters of checkouts with different caches
 * (MYHOTEL_CACHE) never touch each other's namespace or processes.
 */
const instance = createHash('sha256').update(root).digest('hex').slice(0, 6);
export const NETNS = `myhotel-${instance}`;
export const CNI_NETWORK = `myhotel-${instance}`;
/** The tracking cgroup: every process the cluster starts, pods included, lives below it. */
export const CGROUP_NAME = `myhotel-${instance}`;
export const NODE_NAME = 'myhotel-node';
/** The node's address: one end of a veth pair whose both ends stay inside NETNS. */
export const NODE_IP = '10.250.0.2';
export const NODE_PEER_IP = '10.250.0.1';
export const NODE_SUBNET_BITS = 24;
export const VETH = { node: 'mh-node', peer: 'mh-peer' } as const;
export const POD_CIDR_RANGE = '10.244.0.0/16';
export const SERVICE_CIDR = '10.96.0.0/16';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const DNS_SERVICE_IP = '10.96.0.10';
/** Fixed ClusterIP of the ingress controller's Service (the HTTP bridge's target). */
export const INGRESS_SERVICE_IP = '10.96.0.80';
export const CLUSTER_DOMAIN = 'cluster.local';
export const API_PORT_IN_NETNS = 6443;

/** The loopback ports on the host the cluster asks for: the API server and the ingress (HTTP). */
export const preferredHostPorts = {
  api: Number(process.env.MYHOTEL_CLUSTER_API_PORT ?? 16443),
  http: Number(process.env.MYHOTEL_CLUSTER_HTTP_PORT ?? 18080),
};
export type HostPorts = typeof preferredHostPorts;
/** Everything `down` wipes: etcd data, certificates, containerd and kubelet state, volumes, logs. */
const stateDir = path.join(root, 'state');
export const paths = {
  root,
  state: stateDir,
  run: path.join(stateDir, 'run'),
  runc: path.join(stateDir, 'runc'),
  cniData: path.join(stateDir, 'cni', 'data'),
  /** Logs of the steps and daemons of the last `up` (kept by `down`, for a post-mortem). */
  logs: path.join(root, 'logs'),
  pki: path.join(stateDir, 'pki'),
  etcd: path.join(stateDir, 'etcd'),
  containerdRoot: path.join(stateDir, 'containerd', 'root'),
  containerdState: path.join(stateDir, 'containerd', 'state'),
  containerdSocket: path.join(stateDir, 'run', 'containerd.sock'),
  cniConf: path.join(stateDir, 'cni', 'net.d'),
  kubelet: path.join(stateDir, 'kubelet'),
  podLogs: path.join(stateDir, 'pod-logs'),
  volumes: path.join(stateDir, 'volumes'),
  config: path.join(stateDir, 'config'),
  /** Host-side kubeconfig (API server through the loopback bridge). */
  kubeconfig: path.join(root, 'kubeconfig'),
  /** What `up` changes on the host, recorded for `down` (host-state.ts). */
  hostState: path.join(root, 'host-state.json'),
  /** The host ports `up` got (the preferred ones, or free ones when those were taken). */
  hostPorts: path.join(root, 'host-ports.json'),
  /** PID of the cluster test that owns the cluster while it runs. */
  owner: path.join(root, 'owner.pid'),
  /** Image archives imported into containerd, by image id (kept across runs). */
  imageArchives: path.join(root, 'image-archives'),
} as const;

/** Kubeconfig of a component, used inside the namespace (API server at the node address). */
export const componentKubeconfig = (component: string): string =>
  path.join(paths.config, `${component}.kubeconfig`);

/** The host ports of the running (or last) cluster. */
export function hostPorts(): HostPorts {
  return existsSync(paths.hostPorts)
    ? (JSON.parse(readFileSync(paths.hostPorts, 'utf8')) as HostPorts)
    : preferredHostPorts;
}
