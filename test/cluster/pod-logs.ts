/**
 * Keeps the logs of every pod of a namespace while a phase runs: a `kubectl logs -f` per
 * container as each pod appears, into <dir>/<pod>.<container>.log. Pods replaced by a rollout or
 * killed by a fault phase take their logs with them; these copies stay for a post-mortem (the
 * cluster's logs folder), and a failing phase can quote the errors the services logged.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getJson } from '../../scripts/cluster/kube';
import { paths } from '../../scripts/cluster/layout';
import { ensureKubectl } from '../../scripts/tools';

interface PodList {
  items: Array<{
    metadata: { name: string };
    spec: { containers: Array<{ name: string }> };
    status: { phase: string };
  }>;
}

export class PodLogs {
  private readonly followers = new Map<string, ChildProcess>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly namespace: string,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  start(): this {
    const poll = () => void this.follow().catch(() => undefined);
    poll();
    this.timer = setInterval(poll, 2000);
    return this;
  }

  private async follow(): Promise<void> {
    const kubectl = await ensureKubectl();
    const pods = await getJson<PodList>(['-n', this.namespace, 'pods']);
    for (const pod of pods.items.filter((p) => p.status.phase === 'Running')) {
      for (const { name: container } of pod.spec.containers) {
        const key = `${pod.metadata.name}.${container}`;
        if (this.followers.has(key)) continue;
        const out = openSync(path.join(this.dir, `${key}.log`), 'a');
        const args = [
          '--kubeconfig',
          paths.kubeconfig,
          '-n',
          this.namespace,
          'logs',
          '-f',
          pod.metadata.name,
          '-c',
          container,
        ];
        this.followers.set(key, spawn(kubectl, args, { stdio: ['ignore', out, 'ignore'] }));
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    for (const follower of this.followers.values()) follower.kill();
  }

  /** Log lines at error level (pino 50+) that mention one of `needles` (e.g. request ids). */
  errorsMentioning(needles: string[]): string[] {
    const lines = readdirSync(this.dir).flatMap((f) =>
      readFileSync(path.join(this.dir, f), 'utf8')
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l))
        .map((l) => `${f}: ${l}`),
    );
    return lines.filter((l) => needles.some((n) => l.includes(n)));
  }
}
