import { generateKeyPairSync } from 'node:crypto';
import { createMetrics, Lifecycle, createLogger } from '@myhotel/common';
import supertest from 'supertest';
import {
  createAuthApp,
  migrateAuth,
  loadAuthConfig,
  createAuthDataSource,
  loadSigningKeys,
} from '@myhotel/auth';
import { createTestDatabase, type TestDatabase } from './database';

export const testIssuer = 'myhotel-auth';
export const testAudience = 'myhotel';

export function newSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The environment of a service in-process in a test, as its role on `db`. */
export function inProcessEnv(db: TestDatabase, role: 'auth' | 'hotel'): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.urlFor(role),
    JWT_ISSUER: testIssuer,
    JWT_AUDIENCE: testAudience,
  };
}

export async function authEnv(
  db: TestDatabase,
  overrides: Record<string, string> = {},
): Promise<NodeJS.ProcessEnv> {
  return { ...inProcessEnv(db, 'auth'), JWT_PRIVATE_KEY: newSigningKeyPem(), ...overrides };
}

/** The auth service in-process on its own fresh database, with real migrations. */
export async function startAuthForTest(overrides: Record<string, string> = {}, database?: TestDatabase) {
  const db = database ?? (await createTestDatabase());
  const env = await authEnv(db, overrides);
  await migrateAuth(env);
  const config = loadAuthConfig(env);
  const dataSource = createAuthDataSource(config.db);
  await dataSource.initialize();
  const keys = await loadSigningKeys(config.env.JWT_PRIVATE_KEY, config.env.JWT_KEY_ID);
  const lifecycle = new Lifecycle();
  const { app, users } = createAuthApp({
    config,
    dataSource,
    keys,
    logger: createLogger('auth', config.env.LOG_LEVEL),
    metrics: createMetrics('auth'),
    lifecycle,
  });
  const http = supertest(app);
  let seq = 0;

  /** Registers a user (promoted directly in the database for staff/admin) and logs in. */
  async function user(role: 'guest' | 'staff' | 'admin' = 'guest', password = 'correct horse battery') {
    seq += 1;
    const email = `${role}${seq}.${Date.now()}@example.com`;
    const created = await http
      .post('/api/auth/register')
      .send({ name: `${role} ${seq}`, email, password })
      .expect(201);
    const id = created.body.id as string;
    if (role !== 'guest') await dataSource.query('UPDATE auth.users SET role = $1 WHERE id = $2', [role, id]);
    const login = await http.post('/api/auth/login').send({ email, password }).expect(200);
    return {
      id,
      email,
      password,
      accessToken: login.body.access_token as string,
      refreshToken: login.body.refresh_token as string,
      auth: { Authorization: `Bearer ${login.body.access_token as string}` },
    };
  }

  async function countUsers(): Promise<number> {
    const [row] = (await dataSource.query('SELECT count(*)::int AS n FROM auth.users')) as Array<{
      n: number;
    }>;
    return row!.n;
  }

  return {
    app,
    http,
    db,
    env,
    config,
    dataSource,
    keys,
    users,
    lifecycle,
    user,
    countUsers,
    async close() {
      await dataSource.destroy();
      if (!database) await db.drop();
    },
  };
}

export type AuthHarness = Awaited<ReturnType<typeof startAuthForTest>>;

/** The auth harness of one test file: started before its tests, closed after them. */
export function authHarnessForFile(overrides: Record<string, string> = {}): AuthHarness {
  const harness = {} as AuthHarness;
  beforeAll(async () => {
    Object.assign(harness, await startAuthForTest(overrides));
  });
  afterAll(() => harness.close());
  return harness;
}
