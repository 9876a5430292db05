/**
 * The system the benchmark measures: an embedded PostgreSQL with the bench data set, auth
 * and hotel as in production (NODE_ENV=production, LOG_LEVEL=info, pool of 10), the bare
 * baseline server, and tokens of an admin, a staff member and a guest.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrateAuth } from '@myhotel/auth';
import { migrateHotel } from '@myhotel/hotel';
import { bootstrapServer } from '../../tooling/bootstrap-database';
import { freePort } from '../../tooling/free-port';
import {
  startNodeProcess,
  startService,
  stopNodeProcess,
  type NodeProcess,
} from '../../tooling/node-process';
import { startEmbeddedPostgres } from '../../tooling/embedded-postgres';
import type { Target, TargetName } from './autocannon-run';
import { seedBenchData, type BenchDataSet } from './seed';
import { subjectOf } from './subject';

export const repoRoot = join(__dirname, '..', '..');
export const log = (line: string) => console.log(`[bench] ${line}`);
const profileDir = join(repoRoot, 'bench-results', 'profiles');
export const dbPoolMax = 10;
/** BENCH_ROOMS: rooms of the main data set (default 200; 100 stays each), e.g. for a comparison at a larger size. */
const benchRooms = Number(process.env.BENCH_ROOMS ?? 200);
/**
 * BENCH_COMPARE=<another checkout, with its node_modules>: its hotel service runs beside this
 * one on the same database, and each measured row is measured on both (before/after pairs
 * of one run, for an optimisation's commit).
 */
const compareWith = process.env.BENCH_COMPARE;

export interface BenchStack {
  /** The auth service (full stack). */
  auth: Target;
  /** The hotel service (full stack). */
  full: Target;
  bare: Target;
  /** With BENCH_COMPARE: the hotel service of another checkout, measured beside this one. */
  before?: Target;
  tokens: { admin: string; staff: string; guest: string };
  /** Rooms that can be booked (not in maintenance), by number. */
  roomIds: string[];
  /** Future pending or confirmed bookings of rooms for two, with their number of guests (to change). */
  changeable: Array<{ id: string; guests: number }>;
  dataSet: BenchDataSet;
  pgVersion: string;
  /** The hotel database as its superuser (seeding, EXPLAIN) and as the service's role. */
  database: { superuserUrl: string; hotelUrl: string };
  stop(): Promise<void>;
}

/** Runs `work` on a connection of its own to `url`, closed whatever happens. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The bench guest's notifications: 60 of them (a page and a half of the default 20), as an
 * account with a booking history has, about seeded bookings.
 */
async function giveNotifications(superuserUrl: string, userId: string): Promise<void> {
  await withClient(superuserUrl, (client) =>
    client.query(
      `INSERT INTO hotel.notifications (user_id, booking_id, type, message, read_at, created_at)
       SELECT $1, id, 'booking_created', 'Your booking ' || reference || ' was received.',
              CASE WHEN check_out < current_date THEN now() END, created_at
       FROM hotel.bookings ORDER BY created_at DESC LIMIT 60`,
      [userId],
    ),
  );
}

/** Rooms that can be booked, by number (after a reseed). */
export const bookableRooms = (url: string) => bookableRoomIds(url);

const serverVersion = (url: string): Promise<string> =>
  withClient(
    url,
    async (client) =>
      (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
  );

const changeableBookings = (url: string): Promise<BenchStack['changeable']> =>
  withClient(
    url,
    async (client) =>
      (
        await client.query<{ id: string; guests: number }>(
          `SELECT b.id, b.guests FROM hotel.bookings b JOIN hotel.rooms r ON r.id = b.room_id
           WHERE b.status IN ('pending', 'confirmed') AND b.check_in > current_date + 1 AND r.capacity >= 2
           ORDER BY b.id LIMIT 3000`,
        )
      ).rows,
  );

const bookableRoomIds = (url: string): Promise<string[]> =>
  withClient(url, async (client) =>
    (
      await client.query<{ id: string }>(
        `SELECT id FROM hotel.rooms WHERE status <> 'maintenance' ORDER BY number`,
      )
    ).rows.map((r) => r.id),
  );

/** The admin (from configuration), a staff member promoted by the admin, and a guest. */
async function benchTokens(auth: string): Promise<BenchStack['tokens']> {
  const post = (path: string, body: unknown, token?: string, method = 'POST') =>
    fetch(`${auth}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const login = async (email: string, password: string) =>
    ((await (await post('/api/auth/login', { email, password })).json()) as { access_token: string })
      .access_token;
  const register = async (name: string, email: string, password: string) =>
    ((await (await post('/api/auth/register', { name, email, password })).json()) as { id: string }).id;
  const admin = await login('admin@bench.example', 'bench-admin-password');
  const staffId = await register('Bench Staff', 'staff@bench.example', 'bench-staff-password');
  await post(`/api/users/${staffId}`, { role: 'staff' }, admin, 'PATCH');
  await register('Bench Guest', 'guest@bench.example', 'bench-guest-password');
  return {
    admin,
    staff: await login('staff@bench.example', 'bench-staff-password'),
    guest: await login('guest@bench.example', 'bench-guest-password'),
  };
}

export async function startBenchStack(): Promise<BenchStack> {
  const postgres = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'myhotel-bench-pg-')),
    port: await freePort(),
    password: 'postgres',
    temporary: true,
    settings: [
      'max_connections=200',
      'shared_buffers=256MB',
      'track_wal_io_timing=on', // the WAL flush times of stalls.ts
      ...(process.env.BENCH_PG_FLAGS?.split(' ').filter((word) => word && word !== '-c') ?? []),
    ],
  });
  const servers: NodeProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => stopNodeProcess(server)));
    await postgres.stop().catch(() => undefined);
  };
  // The services as in production, with their JSON request logs discarded (errors shown);
  // with BENCH_PROFILE=1, each writes bench-results/profiles/<name>.cpuprofile when it stops.
  const options = (name: string) =>
    ({
      output: 'errors',
      nodeOptions:
        process.env.BENCH_PROFILE === '1'
          ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
          : [],
    }) as const;
  try {
    const database = await bootstrapServer(postgres.url(), { auth: 'bench-auth', hotel: 'bench-hotel' });
    const authUrl = database.urlFor('auth');
    const hotelUrl = database.urlFor('hotel');
    const jwt = { JWT_ISSUER: 'myhotel-auth', JWT_AUDIENCE: 'myhotel' };
    const privateKey = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await migrateAuth({ ...jwt, DATABASE_URL: authUrl, JWT_PRIVATE_KEY: privateKey });
    await migrateHotel({ ...jwt, DATABASE_URL: hotelUrl, JWKS_URL: 'http://127.0.0.1/unused' });
    const seedStart = Date.now();
    const dataSet = await seedBenchData(database.superuserUrl, benchRooms, 10_000, 100);
    log(
      `data set: ${dataSet.rooms} rooms, ${dataSet.guests} guests, ${dataSet.bookings} bookings, ${dataSet.notifications} notifications (${Date.now() - seedStart} ms)`,
    );

    const production = { NODE_ENV: 'production', LOG_LEVEL: 'info', DB_POOL_MAX: String(dbPoolMax), ...jwt };
    const authService = await startService('auth', {
      ...options('auth'),
      env: {
        ...process.env,
        ...production,
        DATABASE_URL: authUrl,
        JWT_PRIVATE_KEY: privateKey,
        ADMIN_EMAIL: 'admin@bench.example',
        ADMIN_PASSWORD: 'bench-admin-password',
        LOGIN_MAX_FAILURES_PER_CLIENT: '1000000',
      },
    });
    servers.push(authService);
    const hotelEnv = {
      ...process.env,
      ...production,
      DATABASE_URL: hotelUrl,
      JWKS_URL: `${authService.base}/.well-known/jwks.json`,
      // The webhook rows subscribe a receiver of the bench process, on loopback.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    };
    const hotel = await startService('hotel', { ...options('hotel'), env: hotelEnv });
    servers.push(hotel);
    const before = compareWith
      ? await startNodeProcess({
          ...options('hotel-before'),
          name: 'hotel (before)',
          root: compareWith,
          script: join('services', 'hotel', 'src', 'main.ts'),
          env: hotelEnv,
        })
      : undefined;
    if (before) servers.push(before);
    const bare = await startNodeProcess({
      ...options('bare'),
      name: 'bare server',
      script: 'loadtest/bench/bare-server.ts',
      env: { ...process.env, DATABASE_URL: hotelUrl, DB_POOL_MAX: String(dbPoolMax) },
      readyPath: '/',
      ready: (status) => status > 0 && status < 500,
    });
    servers.push(bare);

    const target = (name: TargetName, server: NodeProcess): Target => ({
      name,
      base: server.base,
      pid: server.child.pid,
    });
    const tokens = await benchTokens(authService.base);
    await giveNotifications(database.superuserUrl, subjectOf(tokens.guest));
    return {
      auth: target('full', authService),
      full: target('full', hotel),
      bare: target('bare', bare),
      before: before && target('before', before),
      tokens,
      roomIds: await bookableRoomIds(hotelUrl),
      changeable: await changeableBookings(hotelUrl),
      dataSet,
      pgVersion: await serverVersion(database.superuserUrl),
      database: { superuserUrl: database.superuserUrl, hotelUrl },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
