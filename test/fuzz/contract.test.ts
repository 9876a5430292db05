/**
 * Contract fuzzing (schemathesis) of both services, bounded and seeded: any server error,
 * undocumented status, non-conforming body, content type or header fails the test with
 * schemathesis's report. `npm run fuzz` runs the same with a larger budget.
 */
import { createTestDatabase } from '../support/database';
import { runFuzz } from './run-fuzz';

// A bound against a hang, not a speed check: the run (including the first-time
// `pip install schemathesis`, 10–20 s) took 45–170 s on two shared cores as operations grew.
jest.setTimeout(420_000);

test('auth and hotel conform to their OpenAPI contracts under fuzzing (every role)', async () => {
  const progress: string[] = [];
  const result = await runFuzz({
    budget: 'small',
    log: (line) => progress.push(line),
    // The database of jest's shared PostgreSQL (test/global-setup.ts), not a second server.
    database: async () => {
      const db = await createTestDatabase();
      return { authUrl: db.urlFor('auth'), hotelUrl: db.urlFor('hotel'), stop: db.drop };
    },
  });
  if (!result.ok) {
    throw new Error(`schemathesis found problems:\n${progress.join('\n')}\n\n${result.report}`);
  }
  expect(result.runs).toHaveLength(8);
});
