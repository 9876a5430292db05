/**
 * What makes the bare cluster usable, as Kubernetes objects: RBAC for kube-router, CoreDNS,
 * local-path-provisioner (the default StorageClass), Traefik as the ingress controller (the
 * default IngressClass) and as the Gateway API implementation (GatewayClass + one Gateway), and
 * the Gateway API and ServiceMonitor CRDs. Images are the locally built ones (images.ts); none
 * is ever pulled.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLUSTER_DOMAIN, DNS_SERVICE_IP, INGRESS_SERVICE_IP, paths } from './layout';
import { GATEWAY_API_RESOURCES } from '../lib/crds';
import { CLIENTS } from './pki';

type Manifest = Record<string, unknown> & { kind: string; metadata?: Record<string, unknown> };

export interface AddonImages {
  coredns: string;
  traefik: string;
  localPathProvisioner: string;
  /** A shell image (local-path's helper pods). */
  shellTools: string;
}

export interface AddonFiles {
  /** Folder with local-path-storage.yaml (the provisioner's upstream manifest). */
  localPath: string;
  /** Folder with the Gateway API CRDs. */
  gatewayApiCrds: string;
  /** Folder with servicemonitors.yaml. */
  serviceMonitorCrd: string;
}

export const INGRESS_NAMESPACE = 'traefik';
const INGRESS_CLASS = 'traefik';
export const GATEWAY = { name: 'myhotel', namespace: INGRESS_NAMESPACE, listener: 'http' } as const;
/** Traefik's entry point for both the Ingress and the Gateway. */
const HTTP_PORT = 8000;

const restrictedContainer = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const clusterRole = (name: string, rules: unknown[]): Manifest => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
  rules,
});
const clusterRoleBinding = (name: string, subject: Record<string, string>): Manifest => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
  subjects: [subject],
});
const serviceAccount = (name: string, namespace: string): Manifest => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace },
});
const read = (verbs = ['get', 'list', 'watch']) => verbs;

/** A one-replica Deployment of an add-on. */
const deployment = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
  podSpec: Record<string, unknown>,
): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels },
  spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
});

/** kube-router's read access (applied before it starts, so it never runs without it). */
export function kubeRouterRbac(): Manifest[] {
  return [
    clusterRole('myhotel:kube-router', [
      { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes', 'endpoints'], verbs: read() },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: read() },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read() },
    ]),
    clusterRoleBinding('myhotel:kube-router', {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name: CLIENTS['kube-router'].cn,
    }),
  ];
}

function coredns(image: string): Manifest[] {
  const labels = { 'k8s-app': 'kube-dns' };
  const corefile = `.:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    cache 30
    reload
    loadbalance
}
`;
  return [
    serviceAccount('coredns', 'kube-system'),
    clusterRole('myhotel:coredns', [
      {
        apiGroups: [''],
        resources: ['endpoints', 'services', 'pods', 'namespaces'],
        verbs: ['list', 'watch'],
      },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]),
    clusterRoleBinding('myhotel:coredns', {
      kind: 'ServiceAccount',
      name: 'coredns',
      namespace: 'kube-system',
    }),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: corefile },
    },
    deployment('coredns', 'kube-system', labels, {
      serviceAccountName: 'coredns',
      priorityClassName: 'system-cluster-critical',
      dnsPolicy: 'Default',
      securityContext: {
        runAsUser: 65532,
        runAsGroup: 65532,
        runAsNonRoot: true,
        // port 53 without any capability
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }],
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'coredns',
          image,
          imagePullPolicy: 'Never',
          args: ['-conf', '/etc/coredns/Corefile'],
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          ],
          readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
          livenessProbe: {
            httpGet: { path: '/health', port: 8080 },
            periodSeconds: 10,
            failureThreshold: 5,
          },
          resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
          securityContext: restrictedContainer,
          volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: {
        clusterIP: DNS_SERVICE_IP,
        selector: labels,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    },
  ];
}

/** The provisioner's own manifest with the local images, a folder in the cluster's state and default-class. */
async function localPath(images: AddonImages, dir: string): Promise<Manifest[]> {
  const docs = parseAllDocuments(await fs.readFile(path.join(dir, 'local-path-storage.yaml'), 'utf8'))
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => !!d);
  for (const doc of docs) {
    if (doc.kind === 'Deployment') {
      const spec = (doc.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } })
        .template.spec;
      for (const c of spec.containers)
        Object.assign(c, { image: images.localPathProvisioner, imagePullPolicy: 'Never' });
    }
    if (doc.kind === 'StorageClass') {
      doc.metadata = {
        ...doc.metadata,
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      };
    }
    if (doc.kind === 'ConfigMap') {
      const data = doc.data as Record<string, string>;
      data['config.json'] = JSON.stringify({
        nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [paths.volumes] }],
      });
      data['helperPod.yaml'] = data['helperPod.yaml']!.replace(
        /image: busybox\b/,
        `image: ${images.shellTools}`,
      ).replace(/imagePullPolicy: \w+/, 'imagePullPolicy: Never');
    }
  }
  return docs;
}

function traefik(image: string): Manifest[] {
  const ns = INGRESS_NAMESPACE;
  const labels = { 'app.kubernetes.io/name': 'traefik' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    serviceAccount('traefik', ns),
    clusterRole('myhotel:traefik', [
      { apiGroups: [''], resources: ['services', 'secrets', 'configmaps', 'nodes'], verbs: read() },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: read() },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
      { apiGroups: ['gateway.networking.k8s.io'], resources: GATEWAY_API_RESOURCES, verbs: read() },
      {
        apiGroups: ['gateway.networking.k8s.io'],
        resources: GATEWAY_API_RESOURCES.map((r) => `${r}/status`),
        verbs: ['update'],
      },
    ]),
    clusterRoleBinding('myhotel:traefik', { kind: 'ServiceAccount', name: 'traefik', namespace: ns }),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: INGRESS_CLASS,
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: 'traefik.io/ingress-controller' },
    },
    deployment('traefik', ns, labels, {
      serviceAccountName: 'traefik',
      terminationGracePeriodSeconds: 10,
      securityContext: {
        runAsUser: 65532,
        runAsGroup: 65532,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'traefik',
          image,
          imagePullPolicy: 'Never',
          args: [
            `--entryPoints.web.address=:${HTTP_PORT}`,
            '--entryPoints.traefik.address=:9000',
            '--ping=true',
            '--providers.kubernetesIngress=true',
            `--providers.kubernetesIngress.ingressClass=${INGRESS_CLASS}`,
            '--providers.kubernetesGateway=true',
            '--global.checkNewVersion=false',
            '--global.sendAnonymousUsage=false',
            '--log.level=INFO',
          ],
          ports: [
            { name: 'web', containerPort: HTTP_PORT },
            { name: 'admin', containerPort: 9000 },
          ],
          readinessProbe: { httpGet: { path: '/ping', port: 9000 }, periodSeconds: 2 },
          livenessProbe: { httpGet: { path: '/ping', port: 9000 }, periodSeconds: 10 },
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          securityContext: restrictedContainer,
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'traefik', namespace: ns, labels },
      spec: {
        clusterIP: INGRESS_SERVICE_IP,
        selector: labels,
        ports: [{ name: 'web', port: 80, targetPort: 'web' }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'traefik' },
      spec: { controllerName: 'traefik.io/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY.name, namespace: GATEWAY.namespace },
      spec: {
        gatewayClassName: 'traefik',
        listeners: [
          {
            name: GATEWAY.listener,
            protocol: 'HTTP',
            port: HTTP_PORT,
            hostname: '*.gateway.test',
            allowedRoutes: { namespaces: { from: 'All' } },
          },
        ],
      },
    },
  ];
}

async function yamlFiles(dir: string): Promise<Manifest[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const docs: Manifest[] = [];
  for (const f of files) {
    for (const d of parseAllDocuments(await fs.readFile(path.join(dir, f), 'utf8'))) {
      const obj = d.toJS() as Manifest | null;
      if (obj) docs.push(obj);
    }
  }
  return docs;
}

/** CRDs first (apply them, wait until Established), then everything else. */
export async function addonManifests(
  images: AddonImages,
  files: AddonFiles,
): Promise<{ crds: Manifest[]; objects: Manifest[] }> {
  return {
    crds: [...(await yamlFiles(files.gatewayApiCrds)), ...(await yamlFiles(files.serviceMonitorCrd))],
    objects: [
      ...coredns(images.coredns),
      ...(await localPath(images, files.localPath)),
      ...traefik(images.traefik),
    ],
  };
}

/** Deployments `up` waits for: namespace/name. */
export const ADDON_DEPLOYMENTS = [
  'kube-system/coredns',
  'local-path-storage/local-path-provisioner',
  `${INGRESS_NAMESPACE}/traefik`,
];
