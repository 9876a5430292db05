import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createMetrics, remoteKeySet, type RemoteKeySet } from '@myhotel/common';
import type { Express } from 'express';
import { SignJWT } from 'jose';
import supertest from 'supertest';
import { createAuthApp } from '../../auth/src/app';
import { loadSigningKeys } from '../../auth/src/domain/signing-keys';
import { AccessTokenSigner } from '../../auth/src/domain/tokens';
import { createHotelApp } from '../src/app';
import {
  newSigningKeyPem,
  startAuthForTest,
  testAudience,
  testIssuer,
  type AuthHarness,
} from '../../../test/support/auth';
import { startHotelForTest, type HotelHarness } from '../../../test/support/hotel';
import { expectProblem } from '../../../test/support/problem';
import { testAccount } from '../../../test/support/tokens';

/**
 * Hotel against auth's real JWKS over HTTP (no shared secret). The auth app listens on a
 * port; closing the listener is "auth is down"; listening again on the same port with a new
 * auth instance is "auth restarted with a rotated key" (the previous key still published).
 */
let h: HotelHarness;
let server: Server | undefined;
let currentAuth: Express;
let port = 0;
let fetches = 0;
const extraAuths: AuthHarness[] = [];

async function authUp(app: Express): Promise<void> {
  currentAuth = app;
  server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') fetches += 1;
    currentAuth(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
}

async function authDown(): Promise<void> {
  const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
  server!.closeAllConnections();
  await closed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hotelWithRemoteKeys(keys: RemoteKeySet) {
  const { app } = createHotelApp({
    config: h.config,
    dataSource: h.dataSource,
    keys,
    logger: h.logger,
    metrics: createMetrics('hotel'),
    lifecycle: h.lifecycle,
  });
  return supertest(app);
}

beforeAll(async () => {
  h = await startHotelForTest();
  await authUp(h.auth.app);
});
afterAll(async () => {
  if (server?.listening) await authDown();
  for (const a of extraAuths) await a.close();
  await h.close();
});

describe('hotel verifies access tokens with keys from auth’s JWKS URL', () => {
  it('caches the keys, keeps verifying while auth is down, refetches on an unknown kid', async () => {
    const keys = remoteKeySet(`http://127.0.0.1:${port}/.well-known/jwks.json`, {
      // Generous against a loaded CI machine: the two cached verifications below must fall
      // well inside cacheMaxAgeMs (1.5 s was once not enough with other jobs on the cores).
      cacheMaxAgeMs: 4000,
      cooldownMs: 2000,
    });
    const hotel = hotelWithRemoteKeys(keys);
    const guest = await h.account('guest');

    // The first verification fetches the JWKS; the next ones use the cache.
    await hotel.get('/api/bookings').set(guest.auth).expect(200);
    await hotel.get('/api/bookings').set(guest.auth).expect(200);
    expect(fetches).toBe(1);

    // Auth goes down and the cache goes stale: jose tries to refetch and fails; the last
    // good key set keeps verifying.
    await authDown();
    await sleep(4100);
    await hotel.get('/api/bookings').set(guest.auth).expect(200);
    await hotel.get('/api/bookings').set(guest.auth).expect(200);
    expect(keys.failures).toBeGreaterThanOrEqual(1);

    // A token whose kid is unknown is still refused.
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'unknown-kid' })
      .setSubject(guest.id)
      .setIssuer(testIssuer)
      .setAudience(testAudience)
      .setJti('forged')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(generateKeyPairSync('ed25519').privateKey);
    expectProblem(await hotel.get('/api/bookings').set('Authorization', `Bearer ${forged}`), 401);

    // Auth comes back with a rotated key; the previous key is still published.
    const previousPublicKey = createPublicKey(h.auth.keys.privateKey)
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const newKey = newSigningKeyPem();
    const rotated = await startAuthForTest({ JWT_PRIVATE_KEY: newKey }, h.db);
    extraAuths.push(rotated);
    const rotatedKeys = await loadSigningKeys(newKey, undefined, previousPublicKey);
    expect(rotatedKeys.kid).not.toBe(h.auth.keys.kid);
    expect(rotatedKeys.jwks.keys.map((k) => k.kid)).toEqual([rotatedKeys.kid, h.auth.keys.kid]);
    const { app: rotatedApp } = createAuthApp({
      config: rotated.config,
      dataSource: rotated.dataSource,
      keys: rotatedKeys,
      logger: h.logger,
      metrics: createMetrics('auth'),
      lifecycle: rotated.lifecycle,
    });
    await authUp(rotatedApp);
    await sleep(2100); // past the cooldown after the failed fetch

    // A token with the new kid (unknown to the cache) triggers a refetch and verifies.
    const signer = new AccessTokenSigner(rotatedKeys, {
      issuer: testIssuer,
      audience: testAudience,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
    });
    const staff = { auth: { Authorization: `Bearer ${await signer.sign(testAccount('staff'))}` } };
    const before = fetches;
    await hotel.get('/api/bookings').set(staff.auth).expect(200);
    expect(fetches).toBe(before + 1);
    // Tokens signed with the previous key keep working.
    await hotel.get('/api/bookings').set(guest.auth).expect(200);
    // Repeated unknown kids within the cooldown do not hammer auth.
    const after = fetches;
    for (let i = 0; i < 5; i++) {
      expectProblem(await hotel.get('/api/bookings').set('Authorization', `Bearer ${forged}`), 401);
    }
    expect(fetches).toBeLessThanOrEqual(after + 1);
  });

  it('refuses every token while no key set was ever fetched (auth unreachable at start)', async () => {
    const keys = remoteKeySet('http://127.0.0.1:9/.well-known/jwks.json', { timeoutMs: 500 });
    const hotel = hotelWithRemoteKeys(keys);
    const guest = await h.user('guest');
    expectProblem(await hotel.get('/api/bookings').set(guest.auth), 401);
    // Public endpoints do not need keys.
    await hotel.get('/api/rooms').expect(200);
  });
});
