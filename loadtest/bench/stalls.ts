/**
 * Where an open-loop row's tail comes from: the service's event loop (its own stalls, garbage
 * collection included) or the database's durable commits. Read around a row from the
 * service's /metrics (prom-client's default metrics: the event-loop delay histogram, which it
 * resets at each scrape, and the GC pause histogram) and from PostgreSQL's pg_stat_wal
 * (WAL flushes and their time — the bench server runs with track_wal_io_timing=on — and the
 * checkpoints and autovacuum runs that completed meanwhile).
 */
import { withClient } from './stack';

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
  /** Checkpoints that completed during the row, and autovacuum/autoanalyze runs that did. */
  checkpoints?: number;
  autovacuums?: number;
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

interface DatabaseCounters {
  syncs: number;
  ms: number;
  checkpoints: number;
  autovacuums: number;
}

/** PostgreSQL's cumulative counters (PostgreSQL 17's views), read again after a row. */
async function databaseCounters(superuserUrl: string): Promise<DatabaseCounters> {
  const { rows } = await withClient(superuserUrl, (client) =>
    client.query<Record<keyof DatabaseCounters, string>>(
      `SELECT w.wal_sync AS syncs, w.wal_sync_time AS ms,
              (SELECT num_timed + num_requested FROM pg_stat_checkpointer) AS checkpoints,
              (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables) AS autovacuums
       FROM pg_stat_wal w`,
    ),
  );
  const row = rows[0]!;
  return {
    syncs: Number(row.syncs),
    ms: Number(row.ms),
    checkpoints: Number(row.checkpoints),
    autovacuums: Number(row.autovacuums),
  };
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
  const walBefore = await databaseCounters(superuserUrl);
  const result = await row();
  const after = serviceBase ? await scrape(serviceBase) : undefined;
  const walAfter = await databaseCounters(superuserUrl);
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
      checkpoints: walAfter.checkpoints - walBefore.checkpoints,
      autovacuums: walAfter.autovacuums - walBefore.autovacuums,
    },
  };
}

/**
 * Before an open-loop row: the database settled after the closed-loop row that precedes it —
 * its dirty pages written (CHECKPOINT) and no autovacuum worker still going through the
 * thousands of rows just inserted (waited for, up to a minute) — so that the row measures the
 * service at that load, not the tail of the burst before it. Both servers' rows start so.
 */
export async function settleDatabase(superuserUrl: string): Promise<void> {
  await withClient(superuserUrl, async (client) => {
    await client.query('CHECKPOINT');
    for (let waited = 0; waited < 60_000; waited += 500) {
      const { rows } = await client.query<{ busy: number }>(
        `SELECT count(*)::int AS busy FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
      );
      if (rows[0]!.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}
