/**
 * A myhotel release under test: helm install/upgrade/rollback/uninstall with the local images,
 * and what the phases read back from the cluster (pods, their images and init containers,
 * Secrets, SQL through the PostgreSQL pod).
 */
import path from 'node:path';
import { chartValuesFile } from '../../scripts/cluster/chart-values';
import { getJson, helm, kubectl } from '../../scripts/cluster/kube';
import { repoRoot } from '../../scripts/tools';

export const chartDir = path.join(repoRoot, 'charts', 'myhotel');

export interface PodStatus {
  metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: Array<{ name: string; image: string }> };
  status: {
    phase: string;
    conditions?: Array<{ type: string; status: string }>;
    initContainerStatuses?: Array<{
      name: string;
      restartCount: number;
      state: { terminated?: { finishedAt: string; exitCode: number } };
    }>;
    containerStatuses?: Array<{
      name: string;
      ready: boolean;
      restartCount: number;
      state: { running?: { startedAt: string } };
    }>;
  };
}

export const isReady = (p: PodStatus): boolean =>
  p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const WAIT = ['--wait', '--timeout', '5m'];

export class Release {
  /** Resource name prefix (the chart's fullname: the release name when it contains "myhotel"). */
  readonly fullname: string;

  constructor(
    readonly namespace: string,
    readonly name: string,
  ) {
    this.fullname = name.includes('myhotel') ? name : `${name}-myhotel`;
  }

  /** A Pod Security "restricted" namespace for the release. */
  async createRestrictedNamespace(log: string): Promise<void> {
    const modes = ['enforce', 'warn', 'audit'];
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: this.namespace,
        labels: Object.fromEntries(modes.map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted'])),
      },
    };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(ns), log });
  }

  private helm(args: string[], log: string) {
    return helm([...args, '-n', this.namespace], { log });
  }

  async install(log: string, extra: string[] = []): Promise<void> {
    await this.helm(['install', this.name, chartDir, '-f', chartValuesFile, ...WAIT, ...extra], log);
  }

  async upgrade(log: string, extra: string[]): Promise<void> {
    await this.helm(['upgrade', this.name, chartDir, '--reuse-values', ...WAIT, ...extra], log);
  }

  async uninstall(log: string): Promise<void> {
    await this.helm(['uninstall', this.name, '--wait'], log);
  }

  async currentRevision(): Promise<number> {
    const history = JSON.parse(
      (await helm(['history', this.name, '-n', this.namespace, '-o', 'json'])).stdout,
    ) as Array<{ revision: number; status: string }>;
    return history.filter((h) => h.status === 'deployed').at(-1)!.revision;
  }

  async rollback(revision: number, log: string): Promise<void> {
    await this.helm(['rollback', this.name, String(revision), ...WAIT], log);
  }

  async helmTest(log: string): Promise<string> {
    return (await this.helm(['test', this.name, '--logs', '--timeout', '2m'], log)).stdout;
  }

  async pods(component?: string): Promise<PodStatus[]> {
    const selector = [
      `app.kubernetes.io/instance=${this.name}`,
      ...(component ? [`app.kubernetes.io/component=${component}`] : []),
    ];
    const list = await getJson<{ items: PodStatus[] }>([
      '-n',
      this.namespace,
      'pods',
      '-l',
      selector.join(','),
    ]);
    return list.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase !== 'Succeeded');
  }

  /** Undefined until the expected number of pods of each component runs, all Ready. */
  async allReady(expected: Record<string, number>): Promise<PodStatus[] | undefined> {
    const all = await this.pods();
    for (const [component, count] of Object.entries(expected)) {
      const of = all.filter((p) => p.metadata.labels['app.kubernetes.io/component'] === component);
      if (of.length !== count || !of.every(isReady)) return undefined;
    }
    return all;
  }

  /** The decoded data of a Secret of the release namespace. */
  async secret(name: string): Promise<Record<string, string>> {
    const secret = await getJson<{ data: Record<string, string> }>(['-n', this.namespace, 'secret', name]);
    return Object.fromEntries(
      Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  }

  async secretValue(name: string, key: string): Promise<string> {
    return (await this.secret(name))[key] ?? '';
  }

  /** One SQL statement through the PostgreSQL pod (psql as the superuser over its socket). */
  async sql(statement: string): Promise<string> {
    const pod = `${this.fullname}-postgresql-0`;
    const psql = ['psql', '-U', 'postgres', '-d', 'myhotel', '-tAc', statement];
    const r = await kubectl(['-n', this.namespace, 'exec', pod, '-c', 'postgresql', '--', ...psql]);
    return r.stdout.trim();
  }

  async containerLogs(pod: string, container: string): Promise<string> {
    return (await kubectl(['-n', this.namespace, 'logs', pod, '-c', container])).stdout;
  }
}

/** The release most phases drive. */
export const main = new Release('myhotel', 'myhotel');
export const EXPECTED_PODS = { auth: 2, hotel: 2, postgresql: 1 };
