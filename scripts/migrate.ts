/**
 * `npm run migrate`: bootstraps roles/schemas and applies both services' migrations on the
 * local database (embedded under .data/, or DATABASE_URL as a superuser URL), then stops.
 * In Kubernetes each service's image runs its own `dist/src/cli/migrate.js` instead.
 */
import { migrateAuth } from '@myhotel/auth';
import { migrateHotel } from '@myhotel/hotel';
import { localSecrets, prepareLocalDatabase } from './lib/local-stack';

async function main(): Promise<void> {
  const db = await prepareLocalDatabase(localSecrets(), (line) => console.log(line));
  try {
    const base = { JWT_ISSUER: 'myhotel-auth', JWT_AUDIENCE: 'myhotel', LOG_LEVEL: 'warn' };
    console.log(
      'auth:',
      await migrateAuth({ ...base, DATABASE_URL: db.authUrl, JWT_PRIVATE_KEY: localSecrets().jwtPrivateKey }),
    );
    console.log(
      'hotel:',
      await migrateHotel({ ...base, DATABASE_URL: db.hotelUrl, JWKS_URL: 'http://127.0.0.1/unused' }),
    );
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
