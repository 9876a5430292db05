/**
 * What the benchmark measures: the rows on the full stack and the bare server side by side
 * (autocannon, closed loop), token refresh, booking creation (closed loop on both, then open
 * loop at fractions of the full stack's measured capacity), login, which argon2id bounds by
 * design, and last the scaling table (scale.ts), which reseeds the database.
 */
import { loadavg } from 'node:os';
import { passwordHashCost } from '@myhotel/auth';
import {
  connections,
  measure,
  seconds,
  type Measurement,
  type RequestSpec,
  type Target,
} from './autocannon-run';
import { pacedRun, type PacedRequest, type PacedResult } from './paced';
import { settleDatabase, withStalls } from './stalls';
import { availabilityPath, bearer, isoDay, readRows, type Row } from './read-rows';
import { measureScaling, type ScaleResult } from './scale';
import { log, type BenchStack } from './stack';
import { measureWebhookOverhead, type WebhookOverhead } from './webhooks';

/** BENCH_ONLY: measure only the rows whose name contains it (for profiling and comparisons). */
export const only = process.env.BENCH_ONLY;
/** BENCH_ROUNDS: how many times each row is measured (before/after comparisons). */
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const selected = (name: string) => !only || name.includes(only);

interface Argon2Cost {
  memoryCost?: number;
  timeCost?: number;
  parallelism?: number;
  msPerHash: number;
}

export interface Measurements {
  results: Measurement[];
  paced: PacedResult[];
  argon2: Argon2Cost;
  scaling: ScaleResult[];
  /** Booking creation without and with a webhook subscriber. */
  webhooks?: WebhookOverhead;
}

/**
 * JIT, pools and caches of a server warm before anything is measured on it. With BENCH_ONLY,
 * on the first selected row itself, so that a CPU profile (BENCH_PROFILE=1) holds that row only.
 */
async function warmUp(target: Target, stack: BenchStack, rows: Row[]): Promise<void> {
  const selectedRow = only ? rows.find((row) => row.service === 'hotel' && selected(row.name)) : undefined;
  const spec = selectedRow?.spec ?? { path: availabilityPath(), headers: bearer(stack.tokens.staff) };
  await measure('warm-up', target, spec, { seconds: 3 });
}

/** Each selected row on the full stack, then on the bare server. */
async function measureRows(stack: BenchStack, rows: Row[]): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const row of rows.filter((r) => selected(r.name))) {
    const full = row.service === 'auth' ? stack.auth : stack.full;
    for (let round = 0; round < rounds; round++) {
      results.push(await measure(row.name, full, row.spec));
      results.push(await measure(row.name, stack.bare, row.spec));
    }
  }
  return results;
}

/**
 * BENCH_COMPARE: the hotel service of another checkout ("before") and this one ("after") on
 * the same data, measured in turns (ABBA, so that a drifting machine load favours neither):
 * on a shared machine, measurements minutes apart differ more than most optimisations do,
 * so a comparison takes the median of several rounds, of throughput and of the service's CPU
 * time per request.
 */
async function compareRows(stack: BenchStack, before: Target, rows: Row[]): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  for (const row of rows.filter((r) => r.service === 'hotel' && selected(r.name))) {
    const runs = { before: [] as Measurement[], after: [] as Measurement[] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const which of order) {
        const m = await measure(row.name, which === 'before' ? before : stack.full, row.spec, {
          quiet: true,
        });
        runs[which].push(m);
        results.push(m);
      }
    }
    const summary = (ms: Measurement[]) =>
      `${median(ms.map((m) => m.requestsPerSecond))} req/s, p50 ${median(ms.map((m) => m.p50))} ms, p99 ${median(ms.map((m) => m.p99))} ms, CPU ${median(ms.map((m) => m.cpuUsPerRequest ?? 0))} µs/req`;
    log(`${row.name} (median of ${rounds}): before ${summary(runs.before)}; after ${summary(runs.after)}`);
    log(
      `${row.name} rounds: before ${runs.before.map((m) => m.requestsPerSecond).join(' ')}; after ${runs.after.map((m) => m.requestsPerSecond).join(' ')} (load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
  return results;
}

/** The fractions of the full stack's measured booking capacity the open-loop rows run at. */
const pacedFractions = [0.25, 0.5];

/**
 * Booking creation: closed loop on the full stack (its capacity) and on the bare server (the
 * same transaction with no framework), then the full stack in open loop at fractions of the
 * capacity it just measured, so that the paced rows mean the same load on any machine.
 */
async function measureBookings(stack: BenchStack): Promise<{ paced: PacedResult[]; closed: Measurement[] }> {
  if (!selected('POST /api/bookings')) return { paced: [], closed: [] };
  // Distinct (room, night) per request, beyond the seeded stays: no conflicts.
  let sequence = 0;
  const nextBooking = () => {
    const n = sequence++;
    const night = 400 + Math.floor(n / stack.roomIds.length);
    return JSON.stringify({
      room_id: stack.roomIds[n % stack.roomIds.length],
      check_in: isoDay(night),
      check_out: isoDay(night + 1),
      guests: 1,
    });
  };
  const headers = { 'content-type': 'application/json', ...bearer(stack.tokens.guest) };
  const booking = (): PacedRequest => ({
    method: 'POST',
    path: '/api/bookings',
    headers,
    body: nextBooking(),
  });
  // JIT warm-up of the booking path (the full stack's first booking also makes the guest's profile).
  for (const target of [stack.full, stack.bare]) await pacedRun(target.base, 100, 3, booking);
  const spec: RequestSpec = {
    method: 'POST',
    path: () => '/api/bookings',
    body: nextBooking,
    headers: bearer(stack.tokens.guest),
  };
  const full = await measure('POST /api/bookings', stack.full, spec);
  const bare = await measure('POST /api/bookings', stack.bare, spec);
  const paced: PacedResult[] = [];
  // Each rate on the full stack, then on the bare server (the same transaction with no
  // framework): the bare row shows how much of the tail the machine and the database make.
  for (const fraction of pacedFractions) {
    const rate = Math.max(1, Math.round(full.requestsPerSecond * fraction));
    for (const target of [stack.full, stack.bare]) {
      await settleDatabase(stack.database.superuserUrl);
      const { result: run, stalls } = await withStalls(
        target === stack.full ? target.base : undefined,
        stack.database.superuserUrl,
        () => pacedRun(target.base, rate, seconds, booking),
      );
      const result = { ...run, fraction, target: target.name, stalls };
      log(
        `POST /api/bookings [${target.name}, open loop @${rate}/s = ${fraction * 100} % of the full stack's capacity]: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ok ${result.ok}, non-2xx ${result.non2xx}, errors ${result.errors}; stalls ${JSON.stringify(stalls)}`,
      );
      paced.push(result);
    }
  }
  return { paced, closed: [full, bare] };
}

/**
 * Token refresh (rotation: each refresh token is used once and answered with the next), on
 * the auth service: a pool of sessions, each request taking one token and putting back the
 * one it gets. No bare row: the bare server is the hotel's SQL only.
 */
async function measureRefresh(stack: BenchStack): Promise<Measurement | undefined> {
  if (!selected('POST /api/auth/refresh')) return undefined;
  const post = async (path: string, body: unknown) =>
    fetch(`${stack.auth.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const tokens: string[] = [];
  for (let i = 0; i < 2 * connections; i++) {
    const account = { email: `refresh${i}@bench.example`, password: `bench-refresh-password-${i}` };
    await post('/api/auth/register', { name: `Refresh ${i}`, ...account });
    const login = (await (await post('/api/auth/login', account)).json()) as { refresh_token: string };
    tokens.push(login.refresh_token);
  }
  return measure('POST /api/auth/refresh', stack.auth, {
    method: 'POST',
    path: () => '/api/auth/refresh',
    body: () => JSON.stringify({ refresh_token: tokens.shift() }),
    onResponse: (status, body) => {
      if (status === 200) tokens.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
    },
  });
}

/** The cost of one argon2id hash on this machine, which bounds logins per second. */
async function measureArgon2(): Promise<Argon2Cost> {
  const argon2 = await import('@node-rs/argon2');
  const start = process.hrtime.bigint();
  for (let i = 0; i < 10; i++) await argon2.hash('benchmark-password', passwordHashCost);
  const msPerHash = Number(process.hrtime.bigint() - start) / 1e6 / 10;
  return { ...passwordHashCost, msPerHash: Math.round(msPerHash * 10) / 10 };
}

async function measureLogin(stack: BenchStack): Promise<Measurement | undefined> {
  if (!selected('POST /api/auth/login')) return undefined;
  // Many accounts, as in real traffic (the per-account failure throttle counts in-flight attempts).
  const accounts = Array.from({ length: 40 }, (_, i) => ({
    email: `login${i}@bench.example`,
    password: `bench-login-password-${i}`,
  }));
  await Promise.all(
    accounts.map((account, i) =>
      fetch(`${stack.auth.base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Login ${i}`, ...account }),
      }),
    ),
  );
  let sequence = 0;
  return measure(
    'POST /api/auth/login',
    stack.auth,
    {
      method: 'POST',
      path: () => '/api/auth/login',
      body: () => JSON.stringify(accounts[sequence++ % accounts.length]),
    },
    { connections: 8 },
  );
}

export async function measureAll(stack: BenchStack): Promise<Measurements> {
  const rows = readRows(stack);
  if (stack.before) {
    for (const target of [stack.before, stack.full]) await warmUp(target, stack, rows);
    return {
      results: await compareRows(stack, stack.before, rows),
      paced: [],
      argon2: { msPerHash: 0 },
      scaling: [],
    };
  }
  for (const target of [stack.full, stack.bare]) await warmUp(target, stack, rows);
  const results = await measureRows(stack, rows);
  const refresh = await measureRefresh(stack);
  if (refresh) results.push(refresh);
  const bookings = await measureBookings(stack);
  results.push(...bookings.closed);
  // At the lower paced fraction of the capacity just measured (so only with the booking rows).
  const bookingCapacity = bookings.closed[0]?.requestsPerSecond;
  const webhooks =
    bookingCapacity === undefined
      ? undefined
      : await measureWebhookOverhead(
          stack,
          seconds,
          Math.max(1, Math.round(bookingCapacity * pacedFractions[0]!)),
        );
  const argon2 = await measureArgon2();
  const login = await measureLogin(stack);
  if (login) results.push(login);
  // Last: it reseeds the database at each size.
  const scaling = only ? [] : await measureScaling(stack);
  return { results, paced: bookings.paced, argon2, scaling, webhooks };
}
