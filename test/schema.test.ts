import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrateAuth } from '@myhotel/auth';
import { migrateHotel } from '@myhotel/hotel';
import { renderSchema } from '../scripts/lib/schema-snapshot';
import { authEnv } from './support/auth';
import { createTestDatabase, type TestDatabase } from './support/database';

const snapshotFile = join(__dirname, '..', 'db', 'schema.sql');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('db/schema.sql', () => {
  it('matches the schema after all migrations (run `npm run schema:snapshot` after adding one)', async () => {
    const env = await authEnv(db);
    await migrateAuth(env);
    await migrateHotel({ ...env, DATABASE_URL: db.urlFor('hotel'), JWKS_URL: 'http://127.0.0.1/unused' });
    const client = new Client({ connectionString: db.superuserUrl });
    await client.connect();
    const actual = await renderSchema(client).finally(() => client.end());
    if (process.env.UPDATE_SCHEMA_SNAPSHOT === '1') writeFileSync(snapshotFile, actual);
    expect(readFileSync(snapshotFile, 'utf8')).toBe(actual);
  });

  it('keeps each service out of the other schema', async () => {
    const hotel = new Client({ connectionString: db.urlFor('hotel') });
    await hotel.connect();
    await expect(hotel.query('SELECT * FROM auth.users')).rejects.toThrow(/permission denied/);
    await hotel.end();
  });
});
