import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../tooling/embedded-postgres';
import { ConfigError } from '@myhotel/common';
import { bootstrapServer, type BootstrappedDatabase } from '../../tooling/bootstrap-database';
import { freePort } from '../../tooling/free-port';

const repoRoot = join(__dirname, '..', '..');
const dataDir = join(repoRoot, '.data');

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

/** The first admin the launcher has auth create. */
export interface LauncherAdmin {
  email: string;
  password: string;
  name: string;
  /** From ADMIN_EMAIL/ADMIN_PASSWORD (else the generated demo admin). */
  configured: boolean;
}

const demoAdminEmail = 'admin@myhotel.local';

/**
 * ADMIN_EMAIL and ADMIN_PASSWORD when both are set (as the README's configuration says: auth
 * creates the first admin from them); otherwise the demo admin with its generated password.
 * One without the other is a mistake worth stopping for.
 */
export function launcherAdmin(env: NodeJS.ProcessEnv, secrets: LocalSecrets): LauncherAdmin {
  const { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME } = env;
  if (ADMIN_EMAIL && ADMIN_PASSWORD) {
    return {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
      name: ADMIN_NAME || 'Administrator',
      configured: true,
    };
  }
  if (ADMIN_EMAIL || ADMIN_PASSWORD) {
    const [given, missing] = ADMIN_EMAIL
      ? ['ADMIN_EMAIL', 'ADMIN_PASSWORD']
      : ['ADMIN_PASSWORD', 'ADMIN_EMAIL'];
    throw new ConfigError([`${missing}: Required when ${given} is set`]);
  }
  return { email: demoAdminEmail, password: secrets.adminPassword, name: 'Demo Admin', configured: false };
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
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      log('creating embedded PostgreSQL in .data/postgres (first start only)');
    }
    const postgres = await startEmbeddedPostgres({
      dataDir: databaseDir,
      port: await freePort(),
      password: secrets.superuserPassword,
      log: () => undefined,
    });
    serverUrl = postgres.url();
    description = `embedded PostgreSQL on 127.0.0.1:${postgres.port} (${postgres.dataDir})`;
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
