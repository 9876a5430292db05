/**
 * Fault: the auth process dies. services/hotel/test/jwks.test.ts covers the key-cache logic
 * with hotel in-process (auth's JWKS served over real HTTP, "down" = listener closed, then a
 * key rotation); this test is the same failure at process level: real auth and hotel
 * processes, auth killed with SIGKILL, hotel's cached keys stale (max age 1 s) so every
 * refetch attempt really fails.
 */
import { randomUUID } from 'node:crypto';
import { call, type Answer } from '../support/http-client';
import { releaseAll } from '../support/teardown';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnService, type ServiceProcess } from '../support/processes';
import { tokenSigner } from '../support/tokens';
import { migrateAll } from '../support/hotel';
import { newSigningKeyPem } from '../support/auth';
import { tamperedTokens } from '../support/tokens';

jest.setTimeout(60_000);

let db: TestDatabase | undefined;
let auth: ServiceProcess;
let hotel: ServiceProcess;
let privateKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  privateKey = newSigningKeyPem();
  await migrateAll(db, privateKey);
  auth = await spawnService('auth', { DATABASE_URL: db.urlFor('auth'), JWT_PRIVATE_KEY: privateKey });
  hotel = await spawnService('hotel', {
    DATABASE_URL: db.urlFor('hotel'),
    JWKS_URL: `${auth.base}/.well-known/jwks.json`,
    JWKS_CACHE_MAX_AGE_SECONDS: '1',
    JWKS_COOLDOWN_SECONDS: '1',
  });
});

afterAll(() => releaseAll({ db }));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('auth unavailable', () => {
  it('hotel keeps accepting valid tokens with its cached keys and keeps rejecting bad ones', async () => {
    // A real account and login through auth.
    const email = `guest.${randomUUID()}@example.com`;
    const password = 'correct horse battery staple';
    const registered = await call(auth.base, 'POST', '/api/auth/register', {
      body: { name: 'Fault Guest', email, password },
    });
    expect(registered.status).toBe(201);
    const login = await call(auth.base, 'POST', '/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.body) as { access_token: string }).access_token;

    // Hotel fetches auth's JWKS on the first verification.
    expect((await call(hotel.base, 'GET', '/api/bookings', { headers: bearer(token) })).status).toBe(200);

    // Auth dies.
    auth.child.kill('SIGKILL');
    await auth.exited;
    const downAt = Date.now();
    expect((await call(auth.base, 'GET', '/healthz')).error).toBe('ECONNREFUSED');
    await sleep(1200); // the cached keys are stale now: each refetch attempt fails

    // Bad tokens (forged, tampered, expired, …), all claiming auth's issuer and audience.
    const { keys } = await tokenSigner(privateKey);
    const bad = await tamperedTokens(keys, randomUUID(), token);

    // For 3 s (several cache-expiry + cooldown cycles): valid tokens work, bad ones are 401.
    const answers: Array<{ what: string; answer: Answer }> = [];
    const staffHeaders = await (await tokenSigner(privateKey)).bearer('staff'); // as auth would issue it
    while (Date.now() - downAt < 4200) {
      answers.push({
        what: 'valid',
        answer: await call(hotel.base, 'GET', '/api/bookings', { headers: bearer(token) }),
      });
      answers.push({
        what: 'valid (issued before the outage, not yet seen)',
        answer: await call(hotel.base, 'GET', '/api/bookings', { headers: staffHeaders }),
      });
      for (const [what, badToken] of Object.entries(bad)) {
        answers.push({
          what,
          answer: await call(hotel.base, 'GET', '/api/bookings', { headers: bearer(badToken) }),
        });
      }
      await sleep(150);
    }
    const wrong = answers.filter(
      ({ what, answer }) => answer.status !== (what.startsWith('valid') ? 200 : 401),
    );
    expect(
      wrong.map(({ what, answer }) => `${what}: ${answer.error ?? answer.status} ${answer.body}`),
    ).toEqual([]);
    for (const { answer } of answers.filter(({ what }) => !what.startsWith('valid'))) {
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const maxLatency = Math.max(...answers.map(({ answer }) => answer.ms));
    expect(maxLatency).toBeLessThan(3000);

    // Hotel stays ready and alive: auth is not a dependency of its readiness.
    expect((await call(hotel.base, 'GET', '/readyz')).status).toBe(200);
    expect((await call(hotel.base, 'GET', '/api/rooms')).status).toBe(200);
    expect(hotel.child.exitCode).toBeNull();
    console.warn(
      `[faults] auth down: ${answers.length} verifications over ${Date.now() - downAt} ms ` +
        `(${answers.filter(({ what }) => what.startsWith('valid')).length} valid → 200, ` +
        `${answers.filter(({ what }) => !what.startsWith('valid')).length} bad → 401), max latency ${maxLatency} ms`,
    );
  });
});
