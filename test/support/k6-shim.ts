/**
 * Runs a k6 script through the k6 shim's command line (loadtest/shim/run.ts) as a child
 * process, the way CI and the in-cluster Job run it, and reads the summary it exports.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShimFindings } from '../../loadtest/shim/summary.ts';

export const repoRoot = join(__dirname, '..', '..');
export const shimCli = join(repoRoot, 'loadtest', 'shim', 'run.ts');

/** k6's legacy --summary-export document and the shim's own section. */
export interface K6Summary {
  metrics: Record<string, Record<string, number> & { thresholds?: Record<string, boolean> }>;
  root_group: {
    checks: Record<string, { passes: number; fails: number }>;
    groups: Record<string, { checks: Record<string, { passes: number; fails: number }> }>;
  };
  k6_shim: ShimFindings & { exit_code: number; run_ms: number };
}

export interface ShimRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Absent when the run ended before a summary (e.g. bad arguments). */
  summary?: K6Summary;
  ms: number;
}

export async function runThroughShim(
  script: string,
  {
    env = {},
    args = [],
    timeoutMs = 180_000,
  }: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {},
): Promise<ShimRun> {
  const dir = mkdtempSync(join(tmpdir(), 'myhotel-k6-shim-'));
  const exportFile = join(dir, 'summary.json');
  const started = Date.now();
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [shimCli, 'run', '--summary-export', exportFile, ...args, script],
          {
            cwd: repoRoot,
            env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
            timeout: timeoutMs,
            maxBuffer: 32 * 1024 * 1024,
          },
          (error, out, err) =>
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
              stdout: out,
              stderr: err,
            }),
        );
      },
    );
    let summary: K6Summary | undefined;
    try {
      summary = JSON.parse(readFileSync(exportFile, 'utf8')) as K6Summary;
    } catch {
      summary = undefined;
    }
    return { exitCode: code, stdout, stderr, summary, ms: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every threshold of the summary, `<metric> <expression>` → passed. */
export function thresholdResults(summary: K6Summary): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries(summary.metrics).flatMap(([metric, values]) =>
      Object.entries(values.thresholds ?? {}).map(([expression, crossed]) => [
        `${metric} ${expression}`,
        !crossed,
      ]),
    ),
  );
}

/** Failed checks by group ('' for VU code, 'setup', 'teardown'). */
export function failedChecks(summary: K6Summary): string[] {
  const groups = {
    '': summary.root_group.checks,
    ...Object.fromEntries(Object.entries(summary.root_group.groups).map(([n, g]) => [n, g.checks])),
  };
  return Object.entries(groups).flatMap(([group, checks]) =>
    Object.entries(checks)
      .filter(([, c]) => c.fails > 0)
      .map(([name, c]) => `${group ? `${group}: ` : ''}${name} (${c.fails} of ${c.passes + c.fails} failed)`),
  );
}

/** `inspect --execution-requirements` of a script: its consolidated options, maxVUs and totalDuration. */
export function inspectThroughShim(
  script: string,
  env: Record<string, string> = {},
): Record<string, unknown> & {
  maxVUs: number;
  totalDuration: string;
} {
  const out = execFileSync(process.execPath, [shimCli, 'inspect', '--execution-requirements', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return JSON.parse(out) as Record<string, unknown> & { maxVUs: number; totalDuration: string };
}
