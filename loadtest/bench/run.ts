/**
 * `npm run bench`: the full stack vs a bare node:http + pg server running the same SQL, side
 * by side in one run, on an embedded PostgreSQL with a realistic data set. Writes
 * BENCHMARKS.md and BENCHMARKS.json. Loopback only; every measurement is time-bounded.
 *
 * `npm run bench` takes about two minutes: 4 s per measurement, two data sizes in the scaling
 * table (scale.ts); `npm run bench -- --scale` is the thorough run BENCHMARKS.md is published
 * from (10 s, three sizes). BENCH_SECONDS overrides the seconds, BENCH_CONNECTIONS (default 16)
 * the connections, BENCH_OUTPUT_DIR where BENCHMARKS.* are written (default: the repository);
 * `npm run bench -- --render` writes BENCHMARKS.md again from BENCHMARKS.json.
 * BENCH_ROOMS (default 200) sizes the main data set.
 * For profiling: BENCH_ONLY=<substring of a row name> measures only matching rows (and does not
 * rewrite BENCHMARKS.*), BENCH_PROFILE=1 writes V8 CPU profiles of the servers to
 * bench-results/profiles/<auth|hotel|bare>.cpuprofile (summarised by profile-summary.ts),
 * BENCH_PG_FLAGS adds PostgreSQL settings (e.g. "-c synchronous_commit=off").
 * For an optimisation's before/after pair: BENCH_COMPARE=<another checkout with its
 * node_modules> runs that checkout's hotel beside this one and measures each selected row on
 * both in turns, BENCH_ROUNDS times (medians printed; BENCHMARKS.* are not rewritten).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { connections, seconds } from './autocannon-run';
import { measureAll, only } from './measure';
import { scaleSeconds } from './scale';
import { machine, writeReport, type Report } from './report';
import { dbPoolMax, log, repoRoot, startBenchStack } from './stack';

async function main(): Promise<void> {
  // --render: BENCHMARKS.md again from BENCHMARKS.json (after editing optimisations.md).
  if (process.argv.includes('--render')) {
    await writeReport(JSON.parse(readFileSync(join(repoRoot, 'BENCHMARKS.json'), 'utf8')) as Report);
    return;
  }
  const started = Date.now();
  // The machine is shared: the load average during the run goes into the report.
  const loadAverage = [loadavg()[0]!];
  const sampler = setInterval(() => loadAverage.push(loadavg()[0]!), 10_000);
  sampler.unref();
  const stack = await startBenchStack();
  process.once('SIGINT', () => void stack.stop().then(() => process.exit(130)));
  try {
    const measurements = await measureAll(stack);
    if (only || stack.before) return;
    const durationSeconds = Math.round((Date.now() - started) / 1000);
    await writeReport({
      machine: machine(stack.pgVersion),
      dataSet: stack.dataSet,
      settings: { seconds, scaleSeconds, connections, dbPoolMax, logLevel: 'info' },
      ...measurements,
      loadAverage: loadAverage.map((value) => Math.round(value * 100) / 100),
      durationSeconds,
    });
    log(`wrote BENCHMARKS.md and BENCHMARKS.json in ${durationSeconds} s`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
