/**
 * The services as real child processes for the tests (fault tests, contract fuzzing, the
 * replicas test), through the dev kit's tooling/node-process.ts, with a test environment:
 * only PATH, HOME and TMPDIR of ours, NODE_ENV=production, LOG_LEVEL=warn, the test issuer
 * and audience, and the run's response-status recording (test/support/record-statuses.ts).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startService, type NodeProcess, type NodeProcessOptions } from '../../tooling/node-process';
import { newSigningKeyPem, testAudience, testIssuer } from './auth';
import { createTestDatabase } from './database';
import { migrateAll } from './hotel';
import { serveJwks, tokenSigner } from './tokens';

export type ServiceProcess = NodeProcess<'auth' | 'hotel'>;

export type SpawnOptions = Pick<NodeProcessOptions, 'port' | 'readyTimeoutMs' | 'keepOutputChars'>;

const recordStatuses = pathToFileURL(join(__dirname, 'record-statuses.ts')).href;

/** Starts a service with the test environment plus `env`; resolves once /readyz answers 200. */
export function spawnService(
  name: 'auth' | 'hotel',
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<ServiceProcess> {
  const { PATH, HOME, TMPDIR, MYHOTEL_STATUS_LOG } = process.env;
  return startService(name, {
    readyTimeoutMs: 30_000,
    ...options,
    env: {
      PATH,
      HOME,
      TMPDIR,
      MYHOTEL_STATUS_LOG,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      JWT_ISSUER: testIssuer,
      JWT_AUDIENCE: testAudience,
      ...env,
    },
    imports: [recordStatuses],
  });
}

/**
 * Hotel alone as a real process (tests whose subject is hotel): a fresh database of the
 * shared test server with both schemas, a stand-in for auth's JWKS, and a signer of tokens
 * that the stand-in's key verifies.
 */
export async function startHotelProcess(env: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const privateKey = newSigningKeyPem();
  const jwks = await serveJwks(privateKey);
  try {
    await migrateAll(db, privateKey);
    const signer = await tokenSigner(privateKey);
    const hotel = await spawnService('hotel', {
      DATABASE_URL: db.urlFor('hotel'),
      JWKS_URL: jwks.url,
      ...env,
    });
    return { db, jwks, signer, hotel };
  } catch (err) {
    await jwks.close();
    await db.drop();
    throw err;
  }
}
