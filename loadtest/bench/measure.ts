/**
 * What the benchmark measures: reads on the full stack and the bare server side by side
 * (autocannon, closed loop), booking creation (open loop at fixed rates, then closed loop),
 * and login, which argon2id bounds by design.
 */
import autocannon from 'autocannon';
import { passwordHashCost } from '@myhotel/auth';
import { pacedRun, type PacedRequest, type PacedResult } from './paced';
import { log, type BenchStack } from './stack';
import { measureWebhookOverhead, type WebhookOverhead } from './webhooks';

export const seconds = Number(process.env.BENCH_SECONDS ?? 10);
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** BENCH_ONLY: measure only the rows whose name contains it (for profiling). */
export const only = process.env.BENCH_ONLY;

export interface Measurement {
  name: string;
  target: 'full' | 'bare';
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

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
  /** Booking creation without and with a webhook subscriber. */
  webhooks?: WebhookOverhead;
}

interface RequestSpec {
  method?: 'GET' | 'POST' | 'PATCH';
  path: () => string;
  body?: () => string;
  headers?: Record<string, string>;
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

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

/** The same reads against the full stack and the bare server, after warming both. */
async function measureReads(stack: BenchStack): Promise<Measurement[]> {
  const availabilityPath = () => {
    const start = Math.floor(Math.random() * 180);
    return `/api/availability?check_in=${isoDay(start)}&check_out=${isoDay(start + 1 + Math.floor(Math.random() * 5))}&guests=${1 + Math.floor(Math.random() * 2)}`;
  };
  const roomPath = () => `/api/rooms/${pick(stack.roomIds)}`;
  const bookingsPath = () => {
    const start = Math.floor(Math.random() * 150) - 60;
    return `/api/bookings?status=confirmed&from=${isoDay(start)}&to=${isoDay(start + 14)}&limit=20`;
  };
  const staff = bearer(stack.tokens.staff);
  // JIT, pools and caches of both servers warm before anything is measured.
  await measure('warm-up', 'full', stack.full, { path: availabilityPath, headers: staff }, { seconds: 3 });
  await measure('warm-up', 'bare', stack.bare, { path: availabilityPath, headers: staff }, { seconds: 3 });
  const results: Measurement[] = [];
  const pair = async (name: string, spec: RequestSpec) => {
    for (const [target, base] of [
      ['full', stack.full],
      ['bare', stack.bare],
    ] as const) {
      const m = await measure(name, target, base, spec);
      if (m) results.push(m);
    }
  };
  await pair('GET /api/availability', { path: availabilityPath });
  await pair('GET /api/rooms/{id}', { path: roomPath });
  await pair('GET /api/bookings (staff, filtered)', { path: bookingsPath, headers: staff });
  // The front desk looks a guest up by the start of a name (2–4 letters: many match) or email.
  const prefixes = [
    'ana',
    'bu',
    'sit',
    'mar',
    'john',
    'wei',
    'ais',
    'car',
    'santo',
    'ra',
    'gon',
    'zha',
    'tana',
    'siti.r',
    'lu',
  ];
  await pair('GET /api/guests?q= (staff)', {
    path: () => `/api/guests?q=${encodeURIComponent(pick(prefixes))}&limit=20`,
    headers: staff,
  });
  await pair('PATCH /api/bookings/{id} (staff)', {
    method: 'PATCH',
    ...bookingChanges(stack),
    headers: staff,
  });
  return results;
}

/**
 * Changes of future bookings by staff, round robin over 3 000 of them: each request moves a
 * booking to the other of 1 and 2 guests (never a change that changes nothing). Each is a
 * transaction: the row locked, the room read, the update (exclusion constraint and price),
 * the audit event and the notification.
 */
function bookingChanges(stack: BenchStack): Pick<RequestSpec, 'path' | 'body'> {
  let sequence = 0;
  let current: { id: string; guests: number } = stack.changeable[0]!;
  return {
    path: () => {
      current = stack.changeable[sequence++ % stack.changeable.length]!;
      return `/api/bookings/${current.id}`;
    },
    body: () => {
      current.guests = current.guests === 1 ? 2 : 1;
      return JSON.stringify({ guests: current.guests });
    },
  };
}

/** Booking creation on the full stack: open loop at 200 and 400/s, then as fast as it goes. */
async function measureBookings(
  stack: BenchStack,
): Promise<{ paced: PacedResult[]; closed: Measurement | undefined }> {
  // Distinct (room, night) per request, beyond the seeded year: no conflicts.
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
  const paced: PacedResult[] = [];
  if (!only || 'POST /api/bookings'.includes(only)) {
    await pacedRun(stack.full, 100, 3, booking); // JIT warm-up of the booking path
    for (const rate of [200, 400]) {
      const result = await pacedRun(stack.full, rate, seconds, booking);
      log(
        `POST /api/bookings [full, open loop @${rate}/s]: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ok ${result.ok}, non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
      paced.push(result);
    }
  }
  const closed = await measure('POST /api/bookings', 'full', stack.full, {
    method: 'POST',
    path: () => '/api/bookings',
    body: nextBooking,
    headers: bearer(stack.tokens.guest),
  });
  return { paced, closed };
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
  // Many accounts, as in real traffic (the per-account failure throttle counts in-flight attempts).
  const accounts = Array.from({ length: 40 }, (_, i) => ({
    email: `login${i}@bench.example`,
    password: `bench-login-password-${i}`,
  }));
  await Promise.all(
    accounts.map((account, i) =>
      fetch(`${stack.auth}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Login ${i}`, ...account }),
      }),
    ),
  );
  let sequence = 0;
  return measure(
    'POST /api/auth/login',
    'full',
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
  const results = await measureReads(stack);
  const bookings = await measureBookings(stack);
  if (bookings.closed) results.push(bookings.closed);
  const webhooks =
    !only || 'POST /api/bookings (webhooks)'.includes(only)
      ? await measureWebhookOverhead(stack, seconds)
      : undefined;
  const argon2 = await measureArgon2();
  const login = await measureLogin(stack);
  if (login) results.push(login);
  return { results, paced: bookings.paced, argon2, webhooks };
}
