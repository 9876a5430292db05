import { Agent, request } from 'node:http';
import type { TargetName } from './autocannon-run';
import type { Stalls } from './stalls';

export interface PacedResult {
  rate: number;
  /** The fraction of the full stack's measured closed-loop capacity the rate is. */
  fraction?: number;
  /** The server it ran against (absent: the full stack). */
  target?: TargetName;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** The service's and the database's stalls during the row (stalls.ts). */
  stalls?: Stalls;
}

export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Open-loop load at a fixed arrival rate (evenly spaced, like independent clients), unlike a
 * closed-loop generator whose connections fire in bursts. Latency is measured from each
 * request's *scheduled* time, so a stalled server cannot hide its queue (no coordinated omission).
 */
export async function pacedRun(
  base: string,
  rate: number,
  seconds: number,
  next: () => PacedRequest,
): Promise<PacedResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const total = rate * seconds;
  const interval = 1000 / rate;
  const start = performance.now();
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const spec = next();
    inflight.push(
      new Promise<void>((resolve) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: spec.path,
            method: spec.method,
            headers: spec.headers,
            agent,
            timeout: 10_000,
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              latencies.push(performance.now() - scheduled);
              if (res.statusCode && res.statusCode < 300) ok++;
              else non2xx++;
              resolve();
            });
          },
        );
        req.on('error', () => {
          errors++;
          resolve();
        });
        req.end(spec.body);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    rate,
    sent: total,
    ok,
    non2xx,
    errors,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? 0),
  };
}
