/**
 * The cluster's daemons and their configuration: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, containerd (runc through runc-oom-clamp.sh, CNI bridge), kubelet (cgroup v1 or
 * v2, cgroupfs driver), kube-proxy (iptables) and kube-router (NetworkPolicy only). All of them
 * run inside the cluster's network namespace (processes.ts) and keep their state in `paths`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { KubernetesBinaries } from '../tools';
import {
  API_PORT_IN_NETNS,
  CGROUP_NAME,
  CLUSTER_DOMAIN,
  CNI_NETWORK,
  componentKubeconfig,
  DNS_SERVICE_IP,
  NODE_IP,
  NODE_NAME,
  paths,
  POD_CIDR_RANGE,
  SERVICE_CIDR,
} from './layout';
import { pki } from './pki';
import type { DaemonSpec } from './processes';

const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;
const runcWrapper = path.join(__dirname, 'runc-oom-clamp.sh');

export interface Binaries extends KubernetesBinaries {
  kubeRouter: string;
}

export const etcd = (bins: Binaries): DaemonSpec => ({
  name: 'etcd',
  command: bins.etcd,
  args: [paths.etcd, String(ETCD_CLIENT_PORT), String(ETCD_PEER_PORT), '127.0.0.1'],
});

export const kubeApiserver = (bins: Binaries): DaemonSpec => ({
  name: 'kube-apiserver',
  command: bins.kubeApiserver,
  args: [
    `--etcd-servers=http://127.0.0.1:${ETCD_CLIENT_PORT}`,
    `--advertise-address=${NODE_IP}`,
    '--bind-address=0.0.0.0',
    `--secure-port=${API_PORT_IN_NETNS}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--client-ca-file=${pki.ca.cert}`,
    `--tls-cert-file=${pki.apiserver.cert}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--kubelet-client-certificate=${pki.apiserverKubeletClient.cert}`,
    `--kubelet-client-key=${pki.apiserverKubeletClient.key}`,
    `--kubelet-certificate-authority=${pki.ca.cert}`,
    '--kubelet-preferred-address-types=InternalIP',
    `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
    `--service-account-key-file=${pki.serviceAccount.pub}`,
    `--service-account-signing-key-file=${pki.serviceAccount.key}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    '--profiling=false',
    '--event-ttl=1h',
  ],
});

/** A controller-manager or scheduler: its own kubeconfig for everything, local-only, no leader election. */
function controller(name: string, command: string, args: string[]): DaemonSpec {
  const kubeconfig = componentKubeconfig(name);
  return {
    name,
    command,
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
      '--profiling=false',
      ...args,
    ],
  };
}

export const kubeControllerManager = (bins: Binaries): DaemonSpec =>
  controller('kube-controller-manager', bins.kubeControllerManager, [
    '--allocate-node-cidrs=true',
    `--cluster-cidr=${POD_CIDR_RANGE}`,
    '--node-cidr-mask-size=24',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--cluster-signing-cert-file=${pki.ca.cert}`,
    `--cluster-signing-key-file=${pki.ca.key}`,
    `--root-ca-file=${pki.ca.cert}`,
    `--service-account-private-key-file=${pki.serviceAccount.key}`,
    '--use-service-account-credentials=true',
  ]);

export const kubeScheduler = (bins: Binaries): DaemonSpec =>
  controller('kube-scheduler', bins.kubeScheduler, []);

const containerdConfig = (pauseImage: string) => `version = 2
root = "${paths.containerdRoot}"
state = "${paths.containerdState}"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "${paths.containerdSocket}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${pauseImage}"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${runcWrapper}"
        Root = "${paths.runc}"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${paths.cniConf}"
`;

export async function containerd(pauseImage: string): Promise<DaemonSpec> {
  const config = path.join(paths.config, 'containerd.toml');
  await fs.mkdir(paths.config, { recursive: true });
  await fs.writeFile(config, containerdConfig(pauseImage));
  return { name: 'containerd', command: 'containerd', args: ['--config', config] };
}

/** Pods on a bridge with addresses from the node's podCIDR; portmap for hostPort. */
export async function writeCniConfig(podCidr: string): Promise<void> {
  await fs.mkdir(paths.cniConf, { recursive: true });
  const conflist = {
    cniVersion: '1.0.0',
    name: CNI_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: paths.cniData,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  await fs.writeFile(path.join(paths.cniConf, '10-myhotel.conflist'), JSON.stringify(conflist, null, 2));
}

const cgroupV1 = async () => !(await fs.stat('/sys/fs/cgroup/cgroup.controllers').catch(() => undefined));

export async function kubelet(bins: Binaries): Promise<DaemonSpec> {
  const config = path.join(paths.config, 'kubelet.yaml');
  const resolvConf = path.join(paths.config, 'resolv.conf');
  await fs.writeFile(resolvConf, '# the cluster has no upstream DNS\n');
  const kubeletConfig = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: NODE_IP,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pki.ca.cert },
    },
    authorization: { mode: 'Webhook' },
    tlsCertFile: pki.kubeletServing.cert,
    tlsPrivateKeyFile: pki.kubeletServing.key,
    containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: `/${CGROUP_NAME}`,
    // this machine has cgroup v1; kubelet 1.35 refuses it unless told otherwise
    ...((await cgroupV1()) ? { failCgroupV1: false } : {}),
    clusterDNS: [DNS_SERVICE_IP],
    clusterDomain: CLUSTER_DOMAIN,
    resolvConf,
    podLogsDir: paths.podLogs,
    failSwapOn: false,
    serializeImagePulls: false,
    // images are imported, never pulled: never garbage-collect them
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '2%',
      'imagefs.available': '2%',
      'nodefs.inodesFree': '2%',
    },
    protectKernelDefaults: false,
    oomScoreAdj: 0,
    maxPods: 110,
  };
  await fs.writeFile(config, JSON.stringify(kubeletConfig, null, 2));
  return {
    name: 'kubelet',
    command: bins.kubelet,
    args: [
      `--config=${config}`,
      `--kubeconfig=${componentKubeconfig('kubelet')}`,
      `--root-dir=${paths.kubelet}`,
      `--node-ip=${NODE_IP}`,
      `--hostname-override=${NODE_NAME}`,
      '--v=1',
    ],
  };
}

export async function kubeProxy(bins: Binaries): Promise<DaemonSpec> {
  const config = path.join(paths.config, 'kube-proxy.yaml');
  const proxyConfig = {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: componentKubeconfig('kube-proxy') },
    mode: 'iptables',
    clusterCIDR: POD_CIDR_RANGE,
    hostnameOverride: NODE_NAME,
    bindAddress: NODE_IP,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    // leave the host-wide conntrack table size alone
    conntrack: { maxPerCore: 0, min: 0 },
    oomScoreAdj: 0,
  };
  await fs.writeFile(config, JSON.stringify(proxyConfig, null, 2));
  return { name: 'kube-proxy', command: bins.kubeProxy, args: [`--config=${config}`] };
}

export const kubeRouter = (bins: Binaries): DaemonSpec => ({
  name: 'kube-router',
  command: bins.kubeRouter,
  args: [
    `--kubeconfig=${componentKubeconfig('kube-router')}`,
    `--hostname-override=${NODE_NAME}`,
    '--run-firewall=true',
    '--run-router=false',
    '--run-service-proxy=false',
    '--enable-cni=false',
    '--health-port=20244',
    '--iptables-sync-period=1m',
  ],
});

/** Daemons in start order (stop in reverse). */
export const DAEMON_ORDER = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'containerd',
  'kubelet',
  'kube-proxy',
  'kube-router',
] as const;
