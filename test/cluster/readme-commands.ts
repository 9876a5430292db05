/**
 * The README's cluster commands, executed as written: the "A local cluster" block (`up`, the
 * install into a Pod Security restricted namespace, a request through the ingress, `down`) and
 * the "Load tests in the cluster" block. Only what differs per machine is substituted: the cache
 * folder (`~/.cache/myhotel/…` is MYHOTEL_CACHE / XDG_CACHE_HOME when set) and the ingress port
 * (18080, or the free one `up` took). helm and kubectl are the project's own (scripts/tools.ts).
 */
import path from 'node:path';
import { endpoints } from '../../scripts/cluster/cluster';
import { paths } from '../../scripts/cluster/layout';
import { exec, type ExecResult } from '../../scripts/lib/exec';
import { ensureHelm, ensureKubectl, repoRoot } from '../../scripts/tools';
import { markedBlock } from '../support/readme';

const README = path.join(repoRoot, 'README.md');

/** The command lines of a marked README block (comments and blank lines dropped). */
function commands(marker: string): string[] {
  return markedBlock(README, marker, 'bash')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
}

/** The cluster block split where the test needs it: `up`, the install up to the first request, `down`. */
export function clusterCommands(): { up: string; install: string[]; down: string } {
  const lines = commands('cluster');
  const [up, ...rest] = lines;
  const down = rest.pop();
  if (up !== 'npm run cluster up' || down !== 'npm run cluster down')
    throw new Error(
      `README "cluster" block: expected npm run cluster up … npm run cluster down, got ${lines.join(' | ')}`,
    );
  return { up, install: rest, down };
}

export const loadTestCommands = (): string[] => commands('cluster-loadtest');

function substitute(line: string): string {
  const port = new URL(endpoints().ingressUrl).port;
  return line
    .replaceAll('~/.cache/myhotel/cluster', paths.root)
    .replaceAll('localhost:18080', `127.0.0.1:${port}`);
}

/**
 * Runs README lines in one bash (-euo pipefail) from the repository root, with the project's
 * helm and kubectl first on PATH; `extra` is appended to the line starting with `extra.to`.
 * npm run cluster up/down in it are let in by the test that owns the cluster.
 */
export async function runReadme(
  lines: string[],
  log: string,
  extra?: { to: string; args: string },
  timeoutMs = 30 * 60_000,
): Promise<ExecResult> {
  const bins = [await ensureHelm(), await ensureKubectl()].map((b) => path.dirname(b));
  const script = lines.map((line) => {
    const written = substitute(line);
    return extra && line.startsWith(extra.to) ? `${written} ${extra.args}` : written;
  });
  return exec('bash', ['-xeuo', 'pipefail', '-c', script.join('\n')], {
    cwd: repoRoot,
    log,
    timeoutMs,
    env: {
      ...process.env,
      PATH: [...bins, process.env.PATH].join(':'),
      MYHOTEL_CLUSTER_OWNER: String(process.pid),
    },
  });
}
