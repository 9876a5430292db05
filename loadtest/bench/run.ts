/**
 * `npm run bench`: the full stack vs a bare node:http + pg server running the same SQL, side
 * by side in one run, on an embedded PostgreSQL with a realistic data set. Writes
 * BENCHMARKS.md and BENCHMARKS.json. Loopback only; every measurement is time-bounded.
 *
 * BENCH_SECONDS (default 10) per measurement, BENCH_CONNECTIONS (default 16).
 * For profiling: BENCH_ONLY=<substring of a row name> measures only matching rows (and does not
 * rewrite BENCHMARKS.*), BENCH_PROFILE=1 writes V8 CPU profiles of the services to
 * bench-results/profiles/, BENCH_PG_FLAGS adds PostgreSQL settings (e.g. "-c synchronous_commit=off").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { migrateAuth } from '../../services/auth/src/cli/migrate';
import { passwordHashCost } from '../../services/auth/src/domain/passwords';
import { migrateHotel } from '../../services/hotel/src/cli/migrate';
import { bootstrapServer } from '../../scripts/lib/bootstrap';
import { freePort } from '../../scripts/lib/ports';
import { startEmbeddedPostgres } from '../../tooling/embedded-postgres';
import { pacedRun, type PacedResult } from './paced';
import { seedBenchData, type BenchDataSet } from './seed';

const repoRoot = join(__dirname, '..', '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const log = (line: string) => console.log(`[bench] ${line}`);
const children: ChildProcess[] = [];
const only = process.env.BENCH_ONLY;
const profileDir = join(repoRoot, 'bench-results', 'profiles');

interface Measurement {
  name: string;
  target: 'full' | 'bare';
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

function spawnNode(script: string, env: Record<string, string>): ChildProcess {
  const profile = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--conditions=typescript', '--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready`);
}

type RequestSpec = {
  method?: 'GET' | 'POST';
  path: () => string;
  body?: () => string;
  headers?: Record<string, string>;
};

async function measure(
  name: string,
  target: 'full' | 'bare',
  base: string,
  spec: RequestSpec,
  options: { connections?: number; seconds?: number } = {},
): Promise<Measurement | undefined> {
  if (only && name !== 'warm-up' && !name.includes(only)) return undefined;
  const result = await autocannon({
    url: base,
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
      },
    ],
  });
  const m: Measurement = {
    name,
    target,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  log(
    `${name} [${target}]: ${m.requestsPerSecond} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors}`,
  );
  return m;
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function main(): Promise<void> {
  const started = Date.now();
  const postgres = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'myhotel-bench-pg-')),
    port: await freePort(),
    password: 'postgres',
    temporary: true,
    settings: [
      'max_connections=200',
      'shared_buffers=256MB',
      ...(process.env.BENCH_PG_FLAGS?.split(' ').filter((word) => word && word !== '-c') ?? []),
    ],
  });
  const cleanup = async () => {
    for (const child of children) child.kill('SIGTERM');
    await postgres.stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const database = await bootstrapServer(postgres.url(), { auth: 'bench-auth', hotel: 'bench-hotel' });
    const admin = new Client({ connectionString: database.superuserUrl });
    await admin.connect();
    const pgVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!
      .server_version;
    await admin.end();
    const authUrl = database.urlFor('auth');
    const hotelUrl = database.urlFor('hotel');
    const jwt = { JWT_ISSUER: 'myhotel-auth', JWT_AUDIENCE: 'myhotel' };
    const privateKey = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await migrateAuth({ ...jwt, DATABASE_URL: authUrl, JWT_PRIVATE_KEY: privateKey });
    await migrateHotel({ ...jwt, DATABASE_URL: hotelUrl, JWKS_URL: 'http://127.0.0.1/unused' });
    const seedStart = Date.now();
    const dataSet = await seedBenchData(database.superuserUrl, 200, 100);
    log(
      `data set: ${dataSet.rooms} rooms, ${dataSet.bookings} bookings, ${dataSet.notifications} notifications (${Date.now() - seedStart} ms)`,
    );

    const [authPort, hotelPort, barePort] = await Promise.all([freePort(), freePort(), freePort()]);
    const production = { NODE_ENV: 'production', LOG_LEVEL: 'info', DB_POOL_MAX: '10', ...jwt };
    spawnNode('services/auth/src/main.ts', {
      ...production,
      PORT: String(authPort),
      DATABASE_URL: authUrl,
      JWT_PRIVATE_KEY: privateKey,
      ADMIN_EMAIL: 'admin@bench.example',
      ADMIN_PASSWORD: 'bench-admin-password',
      LOGIN_MAX_FAILURES_PER_CLIENT: '1000000',
    });
    await waitFor(`http://127.0.0.1:${authPort}/readyz`);
    spawnNode('services/hotel/src/main.ts', {
      ...production,
      PORT: String(hotelPort),
      DATABASE_URL: hotelUrl,
      JWKS_URL: `http://127.0.0.1:${authPort}/.well-known/jwks.json`,
    });
    spawnNode('loadtest/bench/bare-server.ts', {
      PORT: String(barePort),
      DATABASE_URL: hotelUrl,
      DB_POOL_MAX: '10',
    });
    await waitFor(`http://127.0.0.1:${hotelPort}/readyz`);
    await waitFor(`http://127.0.0.1:${barePort}/`);

    const auth = `http://127.0.0.1:${authPort}`;
    const full = `http://127.0.0.1:${hotelPort}`;
    const bare = `http://127.0.0.1:${barePort}`;
    const post = async (url: string, body: unknown, token?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const login = async (email: string, password: string) =>
      ((await (await post(`${auth}/api/auth/login`, { email, password })).json()) as { access_token: string })
        .access_token;
    const adminToken = await login('admin@bench.example', 'bench-admin-password');
    const staff = (await (
      await post(`${auth}/api/auth/register`, {
        name: 'Bench Staff',
        email: 'staff@bench.example',
        password: 'bench-staff-password',
      })
    ).json()) as { id: string };
    await fetch(`${auth}/api/users/${staff.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ role: 'staff' }),
    });
    const staffToken = await login('staff@bench.example', 'bench-staff-password');
    await post(`${auth}/api/auth/register`, {
      name: 'Bench Guest',
      email: 'guest@bench.example',
      password: 'bench-guest-password',
    });
    const guestToken = await login('guest@bench.example', 'bench-guest-password');

    const roomsClient = new Client({ connectionString: hotelUrl });
    await roomsClient.connect();
    const roomIds = (
      await roomsClient.query<{ id: string }>(
        `SELECT id FROM hotel.rooms WHERE status <> 'maintenance' ORDER BY number`,
      )
    ).rows.map((r) => r.id);
    await roomsClient.end();

    // Warm both servers (JIT, pools, caches) before measuring.
    const availabilityPath = () => {
      const start = Math.floor(Math.random() * 180);
      return `/api/availability?check_in=${isoDay(start)}&check_out=${isoDay(start + 1 + Math.floor(Math.random() * 5))}&guests=${1 + Math.floor(Math.random() * 2)}`;
    };
    const roomPath = () => `/api/rooms/${pick(roomIds)}`;
    const bookingsPath = () => {
      const start = Math.floor(Math.random() * 150) - 60;
      return `/api/bookings?status=confirmed&from=${isoDay(start)}&to=${isoDay(start + 14)}&limit=20`;
    };
    const staffHeaders = { authorization: `Bearer ${staffToken}` };
    for (const base of [full, bare])
      await measure(
        'warm-up',
        base === full ? 'full' : 'bare',
        base,
        { path: availabilityPath, headers: staffHeaders },
        { seconds: 3 },
      );

    const results: Measurement[] = [];
    const record = (m: Measurement | undefined) => m && results.push(m);
    const pair = async (name: string, spec: RequestSpec) => {
      record(await measure(name, 'full', full, spec));
      record(await measure(name, 'bare', bare, spec));
    };
    await pair('GET /api/availability', { path: availabilityPath });
    await pair('GET /api/rooms/{id}', { path: roomPath });
    await pair('GET /api/bookings (staff, filtered)', { path: bookingsPath, headers: staffHeaders });

    // Distinct (room, night) per request, beyond the seeded year: no conflicts.
    let sequence = 0;
    const nextBooking = () => {
      const n = sequence++;
      const checkIn = isoDay(400 + Math.floor(n / roomIds.length));
      return JSON.stringify({
        room_id: roomIds[n % roomIds.length],
        check_in: checkIn,
        check_out: isoDay(401 + Math.floor(n / roomIds.length)),
        guests: 1,
      });
    };
    const bookingSpec: RequestSpec = {
      method: 'POST',
      path: () => '/api/bookings',
      body: nextBooking,
      headers: { authorization: `Bearer ${guestToken}` },
    };
    const paced: PacedResult[] = [];
    if (!only || 'POST /api/bookings'.includes(only)) {
      // Warm the booking path (JIT) before measuring it.
      await pacedRun(full, 100, 3, () => ({
        method: 'POST',
        path: '/api/bookings',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${guestToken}` },
        body: nextBooking(),
      }));
      for (const rate of [200, 400]) {
        const result = await pacedRun(full, rate, seconds, () => ({
          method: 'POST',
          path: '/api/bookings',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${guestToken}` },
          body: nextBooking(),
        }));
        log(
          `POST /api/bookings [full, open loop @${rate}/s]: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ok ${result.ok}, non-2xx ${result.non2xx}, errors ${result.errors}`,
        );
        paced.push(result);
      }
    }
    record(await measure('POST /api/bookings', 'full', full, bookingSpec));

    const hashStart = process.hrtime.bigint();
    const argon2 = await import('@node-rs/argon2');
    for (let i = 0; i < 10; i++) await argon2.hash('benchmark-password', passwordHashCost);
    const hashMs = Number(process.hrtime.bigint() - hashStart) / 1e6 / 10;
    // Many accounts, as in real traffic (the per-account failure throttle counts in-flight attempts).
    const loginAccounts = Array.from({ length: 40 }, (_, i) => ({
      email: `login${i}@bench.example`,
      password: `bench-login-password-${i}`,
    }));
    await Promise.all(
      loginAccounts.map((a, i) => post(`${auth}/api/auth/register`, { name: `Login ${i}`, ...a })),
    );
    let loginSequence = 0;
    record(
      await measure(
        'POST /api/auth/login',
        'full',
        auth,
        {
          method: 'POST',
          path: () => '/api/auth/login',
          body: () => JSON.stringify(loginAccounts[loginSequence++ % loginAccounts.length]),
        },
        { connections: 8 },
      ),
    );

    const machine = {
      cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgVersion,
      platform: `${process.platform} ${process.arch}`,
      date: new Date().toISOString(),
    };
    const report = {
      machine,
      dataSet,
      settings: { seconds, connections, dbPoolMax: 10, logLevel: 'info' },
      argon2: { ...passwordHashCost, msPerHash: Math.round(hashMs * 10) / 10 },
      results,
      paced,
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    if (only) return;
    writeFileSync(join(repoRoot, 'BENCHMARKS.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(repoRoot, 'BENCHMARKS.md'), renderMarkdown(report));
    log(`wrote BENCHMARKS.md and BENCHMARKS.json in ${report.durationSeconds} s`);
  } finally {
    await cleanup();
  }
}

interface Report {
  machine: Record<string, string | number>;
  dataSet: BenchDataSet;
  settings: Record<string, string | number>;
  argon2: { memoryCost?: number; timeCost?: number; parallelism?: number; msPerHash: number };
  results: Measurement[];
  paced: PacedResult[];
}

function renderMarkdown(report: Report): string {
  const byName = new Map<string, { full?: Measurement; bare?: Measurement }>();
  for (const r of report.results) {
    if (r.name === 'POST /api/bookings' || r.name === 'POST /api/auth/login') continue;
    byName.set(r.name, { ...byName.get(r.name), [r.target]: r });
  }
  const rows = [...byName.entries()].map(([name, { full, bare }]) => {
    const ratio =
      full && bare ? `${Math.round((full.requestsPerSecond / bare.requestsPerSecond) * 100)} %` : '—';
    const cell = (m?: Measurement) => (m ? `${m.requestsPerSecond} | ${m.p50} | ${m.p99}` : '— | — | —');
    return `| ${name} | ${cell(full)} | ${cell(bare)} | ${ratio} |`;
  });
  const m = report.machine;
  return `# Benchmarks

Generated by \`npm run bench\` (loadtest/bench/run.ts); raw numbers in BENCHMARKS.json. One run,
everything side by side on the same machine: the full stack (the hotel or auth service as in
production: Express 5, helmet, pino request logs at info, OpenAPI request validation, JWT
verification, TypeORM + pg pool of 10) against a bare \`node:http\` + \`pg\` server that runs the
very same SQL (the hotel data layer's query builders) with no framework, validation, auth or
logging — the ceiling for Node on this machine. autocannon drives both over loopback with
${report.settings.connections} connections for ${report.settings.seconds} s per row; it runs on the same 2 cores, so absolute numbers are
pessimistic and the ratios are what matter.

Machine: ${m.cpus}, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}; PostgreSQL ${m.postgres} (embedded); ${m.date}.
Data set: ${report.dataSet.rooms} rooms, ${report.dataSet.bookings} bookings over a year (past and future, all states), ${report.dataSet.notifications} notifications.

| endpoint | full req/s | full p50 ms | full p99 ms | bare req/s | bare p50 ms | bare p99 ms | full / bare |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Booking creation (distinct rooms and nights, no conflicts; each a transaction with the
exclusion-constraint check, price snapshot and notification):

| load | req/s | p50 ms | p99 ms | max ms | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: |
${report.paced.map((r) => `| open loop, evenly spaced at ${r.rate} req/s | ${r.rate} | ${r.p50} | ${r.p99} | ${r.max} | ${r.non2xx + r.errors} |`).join('\n')}
${report.results
  .filter((r) => r.name === 'POST /api/bookings')
  .map(
    (r) =>
      `| closed loop, ${report.settings.connections} connections, as fast as it goes | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | — | ${r.non2xx} |`,
  )
  .join('\n')}

Login is bound by argon2id by design (m = ${report.argon2.memoryCost} KiB, t = ${report.argon2.timeCost}, p = ${report.argon2.parallelism};
${report.argon2.msPerHash} ms per hash on this machine): ${report.results
    .filter((r) => r.name === 'POST /api/auth/login')
    .map(
      (r) =>
        `${r.requestsPerSecond} logins/s, p50 ${r.p50} ms, p99 ${r.p99} ms with 8 connections, ${r.non2xx} non-2xx`,
    )
    .join('')}.

${renderTargets(report, byName)}
`;
}

/** The targets of the performance issue, judged on this run, and what explains the gaps. */
function renderTargets(
  report: Report,
  byName: Map<string, { full?: Measurement; bare?: Measurement }>,
): string {
  const availability = byName.get('GET /api/availability');
  const ratio =
    availability?.full && availability.bare
      ? Math.round((availability.full.requestsPerSecond / availability.bare.requestsPerSecond) * 100)
      : undefined;
  const at200 = report.paced.find((r) => r.rate === 200);
  const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : 'missed');
  return `## Targets

| target | this run | verdict |
| --- | ---: | --- |
| availability, full stack ≥ 60 % of the bare server | ${ratio ?? '—'} % | ${verdict(ratio === undefined ? undefined : ratio >= 60)} |
| booking creation p99 < 25 ms at 200 req/s | ${at200 ? `${at200.p99} ms` : '—'} | ${verdict(at200 ? at200.p99 < 25 : undefined)} |

## What was changed, and what limits the numbers

- **Route matching** (found with \`BENCH_PROFILE=1\` and \`loadtest/bench/profile-summary.ts\`):
  express-openapi-validator 5.6 compiled a path-to-regexp matcher for every documented
  route on every request — 2.5 % of the hotel service's CPU under \`GET /api/rooms/{id}\`
  before, none after \`services/common/src/route-matcher-cache.ts\` memoized it (upstream
  PR cdimascio/express-openapi-validator#1217). Only the profile share was recorded before
  the fix, not a before/after throughput pair from one run.
- **Cheap endpoints show the fixed cost**: a primary-key lookup (\`GET /api/rooms/{id}\`) is
  about a tenth of a millisecond of SQL, so the full stack's fixed per-request work —
  security headers, a JSON log line, request validation against the spec, token
  verification, a TypeORM query runner — dominates and the ratio is lowest there. Where the
  database does real work (availability, filtered booking lists) the ratio is higher.
- **Booking tail latency** varies from run to run on these shared 2-core machines (p99 at
  200 req/s between 20 and 34 ms across our runs, so the 25 ms target is not met every
  time): every booking is one transaction (room row FOR KEY SHARE, exclusion-constraint
  check, price snapshot, notification) with a durable commit (fsync on), and the load
  generator, Node and PostgreSQL share the same 2 cores, so the tail is set by CPU
  contention and commit flushes rather than by the service code; the paced generator
  measures from the scheduled send time, so queueing is not hidden. On a machine with
  the database on its own cores the tail is expected to shrink; we have not measured that.
`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
