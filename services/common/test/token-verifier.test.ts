import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { createTokenVerifier } from '../src/auth';

const issuer = 'test-issuer';
const audience = 'test-audience';

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateKey, jwks: { keys: [jwk] } };
}
type Pair = Awaited<ReturnType<typeof keyPair>>;

function sign(pair: Pair, sub: string, exp: number | string = '5m') {
  return new SignJWT({ role: 'staff' })
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.kid })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(pair.privateKey);
}

/** A key set that can be replaced, as a JWKS refetch or a rotation replaces it. */
function swappableKeys(initial: JWTVerifyGetKey) {
  let current = initial;
  const keys: JWTVerifyGetKey = (header, token) => current(header, token);
  return { keys, swap: (next: JWTVerifyGetKey) => (current = next) };
}

describe('the token verifier remembers tokens that verified', () => {
  let pair: Pair;
  const sub = randomUUID();
  beforeAll(async () => {
    pair = await keyPair('k1');
  });

  it('checks a token’s signature once, and answers the same principal again', async () => {
    const verify = createTokenVerifier({ issuer, audience, keys: createLocalJWKSet(pair.jwks) });
    const token = await sign(pair, sub);
    const first = await verify(token);
    expect(first).toMatchObject({ userId: sub, role: 'staff' });
    expect(await verify(token)).toEqual(first);
    expect(await verify(token)).toEqual(first);
    expect(verify.signatureChecks).toBe(1);
    // Each answer is a copy: changing one cannot change the next.
    first.role = 'admin';
    expect((await verify(token)).role).toBe('staff');
  });

  it('refuses any other string, tampered from a remembered token', async () => {
    const verify = createTokenVerifier({ issuer, audience, keys: createLocalJWKSet(pair.jwks) });
    const token = await sign(pair, sub);
    await verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const admin = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    for (const forged of [
      `${header}.${admin}.${signature}`,
      `${header}.${payload}.${flipped}`,
      `${token}x`,
    ]) {
      await expect(verify(forged)).rejects.toMatchObject({ status: 401 });
    }
  });

  it('refuses a remembered token once its key is removed; verifies it again against re-fetched keys', async () => {
    const other = await keyPair('k2');
    const { keys, swap } = swappableKeys(createLocalJWKSet(pair.jwks));
    const verify = createTokenVerifier({ issuer, audience, keys });
    const token = await sign(pair, sub);
    await verify(token);
    swap(createLocalJWKSet({ keys: [...pair.jwks.keys, ...other.jwks.keys] }));
    expect(await verify(token)).toMatchObject({ userId: sub });
    expect(verify.signatureChecks).toBe(2);
    swap(createLocalJWKSet(other.jwks));
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a remembered token once it expires (exp, with the 5 s clock tolerance)', async () => {
    const verify = createTokenVerifier({ issuer, audience, keys: createLocalJWKSet(pair.jwks) });
    const token = await sign(pair, sub, Math.floor(Date.now() / 1000) + 1);
    await verify(token);
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
  }, 15_000);

  it('with cacheSize 0, and beyond cacheSize, checks signatures again', async () => {
    const none = createTokenVerifier({ issuer, audience, keys: createLocalJWKSet(pair.jwks), cacheSize: 0 });
    const token = await sign(pair, sub);
    await none(token);
    await none(token);
    expect(none.signatureChecks).toBe(2);
    const two = createTokenVerifier({ issuer, audience, keys: createLocalJWKSet(pair.jwks), cacheSize: 2 });
    const tokens = [await sign(pair, sub), await sign(pair, sub), await sign(pair, sub)];
    for (const t of tokens) await two(t);
    await two(tokens[2]!);
    await two(tokens[0]!); // dropped, the oldest
    expect(two.signatureChecks).toBe(4);
  });
});
