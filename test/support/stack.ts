/**
 * The whole backend as it runs in production: both services as real processes (see
 * processes.ts) on one migrated database, hotel verifying tokens with auth's JWKS, and an
 * admin from configuration. For the contract fuzzing (test/fuzz) and the k6 scripts
 * (test/loadtest).
 */
import { migrateAuth } from '@myhotel/auth';
import { migrateHotel } from '@myhotel/hotel';
import { freePort } from '../../tooling/free-port';
import { stopNodeProcess } from '../../tooling/node-process';
import { newSigningKeyPem, testAudience, testIssuer } from './auth';
import { spawnService, type ServiceProcess, type SpawnOptions } from './processes';

export interface StackOptions {
  /** The auth and hotel login roles' URLs of one bootstrapped, empty database. */
  database: { authUrl: string; hotelUrl: string };
  admin: { email: string; password: string };
  /** More environment for both services (NODE_ENV, LOG_LEVEL, token lifetimes…). */
  env?: Record<string, string>;
  spawnOptions?: Omit<SpawnOptions, 'port'>;
}

export interface Stack {
  auth: ServiceProcess;
  hotel: ServiceProcess;
  /** The environment each service was started with (migrations, seeding). */
  authEnv: Record<string, string>;
  hotelEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStack({
  database,
  admin,
  env = {},
  spawnOptions = {},
}: StackOptions): Promise<Stack> {
  const [authPort, hotelPort] = await Promise.all([freePort(), freePort()]);
  const common = { JWT_ISSUER: testIssuer, JWT_AUDIENCE: testAudience, ...env };
  const authEnv = {
    ...common,
    DATABASE_URL: database.authUrl,
    JWT_PRIVATE_KEY: newSigningKeyPem(),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
  };
  const hotelEnv = {
    ...common,
    DATABASE_URL: database.hotelUrl,
    JWKS_URL: `http://127.0.0.1:${authPort}/.well-known/jwks.json`,
  };
  await Promise.all([migrateAuth(authEnv), migrateHotel(hotelEnv)]);
  const [auth, hotel] = await Promise.all([
    spawnService('auth', authEnv, { ...spawnOptions, port: authPort }),
    spawnService('hotel', hotelEnv, { ...spawnOptions, port: hotelPort }),
  ]);
  return {
    auth,
    hotel,
    authEnv,
    hotelEnv,
    stop: async () => {
      await Promise.all([stopNodeProcess(auth), stopNodeProcess(hotel)]);
    },
  };
}
