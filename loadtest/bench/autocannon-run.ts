/**
 * One closed-loop measurement: autocannon against one server for a fixed time, with the CPU
 * time that server's process spent per request (Linux: /proc/<pid>/stat), which shows the
 * fixed cost per request more directly than throughput on a shared machine.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { log } from './stack';

/**
 * `npm run bench -- --scale`: the thorough run BENCHMARKS.md is published from (10 s per row,
 * three webhook rounds, the largest data size); plain `npm run bench` is a check of about two
 * minutes (4 s per row, one round, two sizes) with the same rows.
 */
export const thorough = process.argv.includes('--scale');
export const seconds = Number(process.env.BENCH_SECONDS ?? (thorough ? 10 : 4));
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

/** What a row runs against: this checkout's service, the bare server, or (BENCH_COMPARE) another checkout's. */
export type TargetName = 'full' | 'bare' | 'before';

export interface Target {
  name: TargetName;
  base: string;
  pid: number | undefined;
}

export interface Measurement {
  name: string;
  target: TargetName;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  /** CPU time (user + system) of the server's process per request, µs; absent where /proc is not. */
  cpuUsPerRequest?: number;
}

export interface RequestSpec {
  method?: 'GET' | 'POST' | 'PATCH';
  path: () => string;
  body?: () => string;
  headers?: Record<string, string>;
  /** Sees every response (e.g. to keep the refresh token it returns). */
  onResponse?: (status: number, body: string) => void;
}

const clockTicksPerSecond = 100;

/** CPU time of a process so far, in clock ticks (utime + stime), or undefined. */
function cpuTicks(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

export async function measure(
  name: string,
  target: Target,
  spec: RequestSpec,
  options: { connections?: number; seconds?: number; quiet?: boolean } = {},
): Promise<Measurement> {
  const cpuBefore = cpuTicks(target.pid);
  const result = await autocannon({
    url: target.base,
    connections: options.connections ?? connections,
    duration: options.seconds ?? seconds,
    requests: [
      {
        method: spec.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...spec.headers },
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          path: spec.path(),
          ...(spec.body ? { body: spec.body() } : {}),
        }),
        ...(spec.onResponse
          ? { onResponse: (status: number, body: string) => spec.onResponse!(status, body) }
          : {}),
      },
    ],
  });
  const cpuAfter = cpuTicks(target.pid);
  const m: Measurement = {
    name,
    target: target.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0
      ? {
          cpuUsPerRequest: Math.round(
            ((cpuAfter - cpuBefore) * 1e6) / clockTicksPerSecond / result.requests.total,
          ),
        }
      : {}),
  };
  if (!options.quiet) {
    log(
      `${name} [${target.name}]: ${m.requestsPerSecond} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors}${m.cpuUsPerRequest === undefined ? '' : `, CPU ${m.cpuUsPerRequest} µs/req`}`,
    );
  }
  return m;
}
