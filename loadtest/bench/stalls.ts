/**
 * Where an open-loop row's tail comes from: the service's event loop (its own stalls, garbage
 * collection included) or the database's durable commits. Read around a row from the
 * service's /metrics (prom-client's default metrics: the event-loop delay histogram, which it
 * resets at each scrape, and the GC pause histogram) and from PostgreSQL's pg_stat_wal
 * (WAL flushes and their time; the bench server runs with track_wal_io_timing=on).
 */
import { Client } from 'pg';

export interface Stalls {
  /** The service's event-loop delay during the row (10 ms resolution); absent for the bare server. */
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
  /** Garbage-collection pauses during the row: how many, their total, and how many ≥ 10 ms. */
  gcPauses?: number;
  gcPauseTotalMs?: number;
  gcPausesOver10Ms?: number;
  /** WAL flushes to disk during the row and their mean time (the commits' durability cost). */
  walSyncs: number;
  walSyncMeanMs: number;
}

type Samples = Map<string, number>;

/** The service's metrics as `name{labels}` → value (sample lines only; every series has the `service` label). */
async function scrape(base: string): Promise<Samples> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The sum over every series of a metric whose name (with labels) matches. */
function total(samples: Samples, matches: (series: string) => boolean): number {
  let sum = 0;
  for (const [series, value] of samples) if (matches(series)) sum += value;
  return sum;
}

async function walSync(superuserUrl: string): Promise<{ syncs: number; ms: number }> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ syncs: string; ms: number }>(
      'SELECT wal_sync AS syncs, wal_sync_time AS ms FROM pg_stat_wal',
    );
    return { syncs: Number(rows[0]!.syncs), ms: Number(rows[0]!.ms) };
  } finally {
    await client.end();
  }
}

/** Runs `row` and reports the service's (when `serviceBase` is given) and the database's stalls during it. */
export async function withStalls<T>(
  serviceBase: string | undefined,
  superuserUrl: string,
  row: () => Promise<T>,
): Promise<{ result: T; stalls: Stalls }> {
  const gc = (s: Samples, suffix: string) =>
    total(s, (series) => series.startsWith(`nodejs_gc_duration_seconds_${suffix}`));
  const gcOver10Ms = (s: Samples) =>
    gc(s, 'count') -
    total(
      s,
      (series) => series.startsWith('nodejs_gc_duration_seconds_bucket{') && series.includes('le="0.01"'),
    );
  // The first scrape also resets the service's event-loop delay histogram.
  const before = serviceBase ? await scrape(serviceBase) : undefined;
  const walBefore = await walSync(superuserUrl);
  const result = await row();
  const after = serviceBase ? await scrape(serviceBase) : undefined;
  const walAfter = await walSync(superuserUrl);
  const ms = (seconds: number | undefined) => Math.round((seconds ?? 0) * 10_000) / 10;
  const walSyncs = walAfter.syncs - walBefore.syncs;
  return {
    result,
    stalls: {
      ...(before &&
        after && {
          loopDelayP99Ms: ms(total(after, (series) => series.startsWith('nodejs_eventloop_lag_p99_seconds'))),
          loopDelayMaxMs: ms(total(after, (series) => series.startsWith('nodejs_eventloop_lag_max_seconds'))),
          gcPauses: gc(after, 'count') - gc(before, 'count'),
          gcPauseTotalMs: ms(gc(after, 'sum') - gc(before, 'sum')),
          gcPausesOver10Ms: gcOver10Ms(after) - gcOver10Ms(before),
        }),
      walSyncs,
      walSyncMeanMs: walSyncs ? Math.round(((walAfter.ms - walBefore.ms) / walSyncs) * 100) / 100 : 0,
    },
  };
}
