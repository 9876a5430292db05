/**
 * Fault-test kit: the services as real child processes (as scripts/start.ts runs them),
 * an embedded PostgreSQL of their own when a test stops and restarts the database, a raw
 * HTTP client that records latency and socket-level failures, and database checks.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@myhotel/common';
import { Client } from 'pg';
import { bootstrapServer } from '../../scripts/lib/bootstrap';
import { startEmbeddedPostgres } from '../../tooling/embedded-postgres';
import { freePort } from '../../scripts/lib/ports';
import { migrateAuth, loadSigningKeys, AccessTokenSigner } from '@myhotel/auth';
import { migrateHotel } from '@myhotel/hotel';
import { testAudience, testIssuer } from '../support/auth';
import { createTestDatabase, testPasswords } from '../support/database';
import { day } from '../support/hotel';
import type { ServiceProcess } from '../support/processes';

export const repoRoot = join(__dirname, '..', '..');
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export { day };

// ---- PostgreSQL ----------------------------------------------------------------------------

export interface FaultDatabase {
  name: string;
  superuserUrl: string;
  urlFor(role: 'auth' | 'hotel'): string;
}

/** An embedded PostgreSQL of this test only, persistent so that it can be stopped and started again. */
export interface OwnPostgres {
  port: number;
  dataDir: string;
  db: FaultDatabase;
  /** Fast shutdown (SIGINT): backends are terminated, the port stops accepting. */
  stop(): Promise<void>;
  /** Same data directory, same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops (if running) and deletes the data directory. */
  destroy(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const server = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'myhotel-fault-pg-')),
    port: await freePort(),
    password: 'postgres',
    // Durability stays on (fsync, synchronous_commit): acknowledged writes must survive a restart.
    settings: ['max_connections=100'],
  });
  const destroy = async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  };
  try {
    const database = await bootstrapServer(server.url(), testPasswords);
    return {
      port: server.port,
      dataDir: server.dataDir,
      db: { name: 'myhotel', ...database },
      stop: () => server.stop(),
      start: () => server.start(),
      destroy,
    };
  } catch (err) {
    await destroy();
    throw err;
  }
}

/**
 * SIGSTOP (freeze) or SIGCONT (thaw) the server: the postmaster and all its processes. Frozen,
 * it accepts TCP connections (the kernel's backlog) but answers nothing — an unresponsive
 * database, as behind a network partition.
 */
export function signalPostgres(own: OwnPostgres, signal: 'SIGSTOP' | 'SIGCONT'): number[] {
  const postmaster = Number(readFileSync(join(own.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const pids = signal === 'SIGSTOP' ? [postmaster, ...children] : [...children, postmaster];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** A fresh database on the shared test server (test/global-setup.ts); dropped by `drop()`. */
export async function sharedDatabase(): Promise<FaultDatabase & { drop(): Promise<void> }> {
  return createTestDatabase();
}

/** Runs one query as superuser on a short-lived connection. */
export async function superQuery<T = Record<string, unknown>>(
  db: FaultDatabase,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: db.superuserUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Booking/notification consistency: rows of one without the other (must both be 0). */
export async function orphanCounts(
  db: FaultDatabase,
): Promise<{ bookingsWithoutNotification: number; notificationsWithoutBooking: number; bookings: number }> {
  const [row] = await superQuery<{ a: number; b: number; n: number }>(
    db,
    `SELECT
       (SELECT count(*)::int FROM hotel.bookings b WHERE NOT EXISTS (
          SELECT 1 FROM hotel.notifications n WHERE n.booking_id = b.id AND n.type = 'booking_created')) AS a,
       (SELECT count(*)::int FROM hotel.notifications n WHERE n.booking_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM hotel.bookings b WHERE b.id = n.booking_id)) AS b,
       (SELECT count(*)::int FROM hotel.bookings) AS n`,
  );
  return { bookingsWithoutNotification: row!.a, notificationsWithoutBooking: row!.b, bookings: row!.n };
}

/** Which of these booking ids exist. */
export async function existingBookings(db: FaultDatabase, ids: string[]): Promise<Set<string>> {
  const rows = await superQuery<{ id: string }>(
    db,
    'SELECT id FROM hotel.bookings WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}

// ---- Keys and tokens -----------------------------------------------------------------------

/** Signs access tokens with the same key (and so the same kid) auth is given. */
export async function tokenSigner(privateKeyPem: string) {
  const keys = await loadSigningKeys(privateKeyPem);
  const signer = new AccessTokenSigner(keys, {
    issuer: testIssuer,
    audience: testAudience,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
  });
  return {
    keys,
    async bearer(role: Role, id: string = randomUUID()): Promise<Record<string, string>> {
      return { authorization: `Bearer ${await signer.sign(id, role)}` };
    },
  };
}

/** A stand-in for auth's JWKS endpoint (tests whose subject is hotel alone). */
export async function serveJwks(privateKeyPem: string): Promise<{ url: string; close(): Promise<void> }> {
  const { jwks } = await loadSigningKeys(privateKeyPem);
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function jwtEnv(): Record<string, string> {
  return { JWT_ISSUER: testIssuer, JWT_AUDIENCE: testAudience };
}

/** Applies both services' migrations to the database. */
export async function migrateAll(db: FaultDatabase, privateKeyPem: string): Promise<void> {
  await migrateAuth({ ...jwtEnv(), DATABASE_URL: db.urlFor('auth'), JWT_PRIVATE_KEY: privateKeyPem });
  await migrateHotel({
    ...jwtEnv(),
    DATABASE_URL: db.urlFor('hotel'),
    JWKS_URL: 'http://127.0.0.1:9/unused',
  });
}

export { killAllServices, spawnService, stopService, type ServiceProcess } from '../support/processes';

// ---- HTTP ----------------------------------------------------------------------------------

export interface Answer {
  method: string;
  path: string;
  /** 0 when the request failed at the socket level (see `error`). */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Socket-level error code (ECONNREFUSED, ECONNRESET, CLIENT_TIMEOUT …). */
  error?: string;
  /** Whether the request went out on a kept-alive socket used before. */
  reusedSocket: boolean;
  start: number;
  end: number;
  ms: number;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** An http.Agent (keep-alive pools) or false for a fresh connection. */
  agent?: Agent | false;
  /** Client-side bound: a hang becomes error CLIENT_TIMEOUT instead of a stuck test. */
  timeoutMs?: number;
}

/** One HTTP request; never throws: socket failures come back as `status: 0, error`. */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const start = Date.now();
  return new Promise<Answer>((resolve) => {
    let reusedSocket = false;
    let settled = false;
    const done = (partial: Pick<Answer, 'status' | 'headers' | 'body'> & { error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const end = Date.now();
      resolve({ method, path, reusedSocket, start, end, ms: end - start, ...partial });
    };
    const req = request(
      url,
      {
        method,
        agent: options.agent ?? false,
        headers: {
          accept: 'application/json, application/problem+json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) =>
          done({ status: 0, headers: res.headers, body: '', error: err.code ?? err.message }),
        );
      },
    );
    req.on('socket', () => {
      reusedSocket = req.reusedSocket;
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ status: 0, headers: {}, body: '', error: err.code ?? err.message }),
    );
    const timer = setTimeout(() => {
      done({ status: 0, headers: {}, body: '', error: 'CLIENT_TIMEOUT' });
      req.destroy();
    }, options.timeoutMs ?? 20_000);
    req.end(payload);
  });
}

/** True for an RFC 9457 503 answer with Retry-After. */
export function isUnavailableProblem(answer: Answer): boolean {
  if (answer.status !== 503 || !answer.headers['retry-after']) return false;
  if (!String(answer.headers['content-type']).startsWith('application/problem+json')) return false;
  try {
    const body = JSON.parse(answer.body) as { status?: number; type?: string };
    return body.status === 503 && typeof body.type === 'string';
  } catch {
    return false;
  }
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Runs `workers` loops of `step` until `stop()`; resolves with everything they recorded. */
export function runLoops<R>(workers: number, step: (worker: number) => Promise<R>) {
  let running = true;
  const results: R[] = [];
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) results.push(await step(worker));
  });
  return {
    results,
    async stop(): Promise<R[]> {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

/** Creates `count` rooms through hotel's API as admin; returns their ids. */
export async function createRooms(
  hotel: ServiceProcess,
  admin: Record<string, string>,
  count: number,
): Promise<string[]> {
  const tag = randomBytes(2).toString('hex');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await call(hotel.base, 'POST', '/api/rooms', {
      headers: admin,
      body: { number: `F${tag}-${i}`, type: 'double', capacity: 2, price_per_night: '90.00' },
    });
    if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${res.body}`);
    ids.push((JSON.parse(res.body) as { id: string }).id);
  }
  return ids;
}

/** Distinct one-night stays: slot n → room n mod rooms, night n div rooms (never conflicting). */
export function slotBooking(roomIds: string[], slot: number): Record<string, unknown> {
  const night = 1 + Math.floor(slot / roomIds.length);
  return {
    room_id: roomIds[slot % roomIds.length],
    check_in: day(night),
    check_out: day(night + 1),
    guests: 1,
  };
}
