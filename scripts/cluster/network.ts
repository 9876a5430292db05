/**
 * The cluster's network namespace: loopback, and a veth pair whose BOTH ends stay inside it (the
 * node's address on one end), a route for the service range so locally started connections to
 * ClusterIPs reach kube-proxy's rules, and NO default route: any address outside the namespace is
 * "network unreachable". Pods get their addresses on a bridge (CNI) inside the same namespace.
 */
import { existsSync } from 'node:fs';
import { exec } from '../lib/exec';
import { NETNS, NODE_IP, NODE_PEER_IP, NODE_SUBNET_BITS, SERVICE_CIDR, VETH } from './layout';

const ip = (args: string[], log?: string) => exec('ip', args, { log });
/** Runs a command inside the cluster's network namespace (only the network: the mount namespace stays). */
const inNetns = (command: string, args: string[], log?: string) =>
  exec('nsenter', [`--net=/run/netns/${NETNS}`, '--', command, ...args], { log });

export const netnsExists = (): boolean => existsSync(`/run/netns/${NETNS}`);

/** Namespace-local sysctls: forwarding between the pod bridge and the node, bridged traffic through iptables. */
const NETNS_SYSCTLS = {
  'net.ipv4.ip_forward': '1',
  'net.bridge.bridge-nf-call-iptables': '1',
};

export async function createNetwork(log: string): Promise<void> {
  if (!netnsExists()) await ip(['netns', 'add', NETNS], log);
  const n = (args: string[]) => ip(['-n', NETNS, ...args], log);
  await n(['link', 'set', 'lo', 'up']);
  const links = (await ip(['-n', NETNS, '-o', 'link', 'show'])).stdout;
  if (!links.includes(`${VETH.node}@`)) {
    await n(['link', 'add', VETH.node, 'type', 'veth', 'peer', 'name', VETH.peer]);
    await n(['addr', 'add', `${NODE_IP}/${NODE_SUBNET_BITS}`, 'dev', VETH.node]);
    await n(['addr', 'add', `${NODE_PEER_IP}/${NODE_SUBNET_BITS}`, 'dev', VETH.peer]);
  }
  await n(['link', 'set', VETH.node, 'up']);
  await n(['link', 'set', VETH.peer, 'up']);
  const routes = (await ip(['-n', NETNS, 'route', 'show'])).stdout;
  if (!routes.includes(SERVICE_CIDR))
    await n(['route', 'add', SERVICE_CIDR, 'dev', VETH.node, 'src', NODE_IP]);
  for (const [key, value] of Object.entries(NETNS_SYSCTLS)) {
    await inNetns('sysctl', ['-q', '-w', `${key}=${value}`], log);
  }
  await assertNoRouteOut();
}

/** Fails when the namespace has any route that could leave it (a default route or a gateway). */
export async function assertNoRouteOut(): Promise<void> {
  const routes =
    (await ip(['-n', NETNS, '-4', 'route', 'show', 'table', 'all'])).stdout +
    (await ip(['-n', NETNS, '-6', 'route', 'show', 'table', 'all'])).stdout;
  const leaking = routes.split('\n').filter((r) => /^default\b| via /.test(r.trim()));
  if (leaking.length) throw new Error(`the cluster namespace has a route out: ${leaking.join('; ')}`);
}

export async function deleteNetwork(log: string): Promise<void> {
  if (netnsExists()) await ip(['netns', 'delete', NETNS], log);
}
