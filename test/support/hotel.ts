import { randomUUID } from 'node:crypto';
import { createLogger, createMetrics, Lifecycle, localKeySet, type Role } from '@myhotel/common';
import type { JWTVerifyGetKey } from 'jose';
import supertest from 'supertest';
import type { HotelSchemas } from '@myhotel/client';
import { AccessTokenSigner, migrateAuth } from '@myhotel/auth';
import { createHotelApp, migrateHotel, loadHotelConfig, createHotelDataSource } from '@myhotel/hotel';
import { startAuthForTest, testAudience, testIssuer, inProcessEnv } from './auth';
import { createTestDatabase, type ServiceDatabase, type TestDatabase } from './database';
import { testAccount } from './tokens';

/** A date `offset` days from today (UTC), 'YYYY-MM-DD'. */
export const day = (offset: number): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function hotelEnv(db: TestDatabase, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...inProcessEnv(db, 'hotel'), JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json', ...overrides };
}

/** A room and a guest profile as the API shows them: the contract's own types. */
export type RoomJson = HotelSchemas['Room'];
export type GuestJson = HotelSchemas['Guest'];

export interface TestUser {
  id: string;
  role: Role;
  accessToken: string;
  auth: { Authorization: string };
}

export interface HotelHarnessOptions {
  env?: Record<string, string>;
  /** Verification keys; default: auth's JWKS in-process (`localKeySet`). */
  keys?: (auth: Awaited<ReturnType<typeof startAuthForTest>>) => JWTVerifyGetKey;
  /** Draws booking references (default: the service's own random draw). */
  newReference?: () => string;
  /** Where the service's log goes (default: the LOG_LEVEL of the environment, to stdout). */
  logDestination?: { write(line: string): void };
  /** Runs on the new database before hotel's migrations (the upgrade test plays an earlier release). */
  beforeMigrations?: (env: NodeJS.ProcessEnv, db: TestDatabase) => Promise<void>;
}

/**
 * The hotel service in-process on a fresh database that it shares with a real auth service
 * (both schemas in one database, as in production), with real migrations.
 */
export async function startHotelForTest(options: HotelHarnessOptions = {}) {
  const db = await createTestDatabase();
  const auth = await startAuthForTest({}, db);
  const env = hotelEnv(db, options.env);
  await options.beforeMigrations?.(env, db);
  await migrateHotel(env);
  const config = loadHotelConfig(env);
  const dataSource = createHotelDataSource(config.db);
  await dataSource.initialize();
  const lifecycle = new Lifecycle();
  const logger = createLogger('hotel', config.env.LOG_LEVEL, options.logDestination);
  const keys = options.keys ? options.keys(auth) : localKeySet(auth.keys.jwks);
  const hotel = createHotelApp({
    config,
    dataSource,
    keys,
    logger,
    metrics: createMetrics('hotel'),
    lifecycle,
    newReference: options.newReference,
  });
  const http = supertest(hotel.app);
  const signer = new AccessTokenSigner(auth.keys, {
    issuer: testIssuer,
    audience: testAudience,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
  });

  /** A user with a real access token signed by auth's key (fast: no account, no argon2). */
  async function user(role: Role = 'guest', id: string = randomUUID()): Promise<TestUser> {
    const accessToken = await signer.sign(testAccount(role, id));
    return { id, role, accessToken, auth: { Authorization: `Bearer ${accessToken}` } };
  }

  /** A registered account that logged in through auth's API (slower: real argon2). */
  async function account(role: Role = 'guest'): Promise<TestUser> {
    const u = await auth.user(role);
    return { id: u.id, role, accessToken: u.accessToken, auth: u.auth };
  }

  const admin = await user('admin');
  const staff = await user('staff');
  let roomSeq = 0;

  /** Creates a room through the API (as admin); a unique number and, by default, a unique type. */
  async function room(fields: Record<string, unknown> = {}): Promise<RoomJson> {
    roomSeq += 1;
    const body = {
      number: `R${roomSeq}-${Math.random().toString(36).slice(2, 6)}`,
      type: `type-${randomUUID().slice(0, 8)}`,
      capacity: 2,
      price_per_night: '100.00',
      ...fields,
    };
    const res = await http.post('/api/rooms').set(admin.auth).send(body);
    if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${res.text}`);
    return res.body as RoomJson;
  }

  /** Books through the API; returns the response (not asserting the status). */
  function book(
    who: Pick<TestUser, 'auth'>,
    fields: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    return http
      .post('/api/bookings')
      .set({ ...who.auth, ...headers })
      .send({ guests: 1, ...fields });
  }

  /**
   * The account's guest profile, made from its token as on its first booking (staff can book
   * for an account by `user_id` only once it has one).
   */
  async function guestProfile(who: Pick<TestUser, 'auth'>): Promise<GuestJson> {
    const res = await http.get('/api/guests/me').set(who.auth);
    if (res.status !== 200) throw new Error(`guest profile failed: ${res.status} ${res.text}`);
    return res.body as GuestJson;
  }

  /** A walk-in guest profile (no account), created by staff. */
  async function walkIn(fields: Record<string, unknown> = {}): Promise<GuestJson> {
    const res = await http
      .post('/api/guests')
      .set(staff.auth)
      .send({ name: `Walk-in ${randomUUID().slice(0, 8)}`, ...fields });
    if (res.status !== 201) throw new Error(`walk-in failed: ${res.status} ${res.text}`);
    return res.body as GuestJson;
  }

  async function count(table: string, where = 'TRUE', params: unknown[] = []): Promise<number> {
    const rows: Array<{ n: number }> = await dataSource.query(
      `SELECT count(*)::int AS n FROM hotel.${table} WHERE ${where}`,
      params,
    );
    return rows[0]!.n;
  }

  return {
    db,
    auth,
    env,
    config,
    dataSource,
    lifecycle,
    logger,
    app: hotel.app,
    http,
    user,
    account,
    admin,
    staff,
    room,
    book,
    guestProfile,
    walkIn,
    count,
    async close() {
      await dataSource.destroy();
      await auth.close();
      await db.drop();
    },
  };
}

export type HotelHarness = Awaited<ReturnType<typeof startHotelForTest>>;

/** Applies both services' migrations to the database. */
export async function migrateAll(db: ServiceDatabase, privateKeyPem: string): Promise<void> {
  const jwt = { JWT_ISSUER: testIssuer, JWT_AUDIENCE: testAudience };
  await migrateAuth({ ...jwt, DATABASE_URL: db.urlFor('auth'), JWT_PRIVATE_KEY: privateKeyPem });
  await migrateHotel({
    ...jwt,
    DATABASE_URL: db.urlFor('hotel'),
    JWKS_URL: 'http://127.0.0.1:9/unused',
  });
}
