/**
 * Genuine, forged and tampered access tokens, and a stand-in JWKS endpoint; forged and
 * tampered ones for the tests that prove both services reject them
 * (services/auth/test/token-verification.test.ts against auth, test/authorization-matrix.test.ts against hotel).
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import { AccessTokenSigner, loadSigningKeys, type SigningKeys } from '@myhotel/auth';
import type { Role } from '@myhotel/common';
import { testAudience, testIssuer } from './auth';

export interface ForgeOptions {
  role?: string;
  key?: KeyObject;
  kid?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string;
}

/** An EdDSA access token for `sub`, signed with auth's key unless told otherwise; role admin by default. */
export function forgeToken(keys: SigningKeys, sub: string, options: ForgeOptions = {}): Promise<string> {
  return new SignJWT({ role: options.role ?? 'admin' })
    .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? keys.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? testIssuer)
    .setAudience(options.audience ?? testAudience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(options.key ?? keys.privateKey);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Every kind of token a verifier must refuse, named: each claims admin for `sub` (a real
 * user) or breaks one rule; `genuine` is that user's real access token, edited for one of them.
 */
export async function tamperedTokens(
  keys: SigningKeys,
  sub: string,
  genuine: string,
): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub,
    role: 'admin',
    iss: testIssuer,
    aud: testAudience,
    jti: 'x',
    iat: now,
    exp: now + 300,
  };
  const publicPem = createPublicKey(keys.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: keys.kid })}.${b64(claims)}`;
  const [header, payload, signature] = genuine.split('.') as [string, string, string];
  const otherKey = generateKeyPairSync('ed25519').privateKey;
  return {
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
    'HS256 signed with the public key': `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`,
    'genuine token with its role claim edited to admin': `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })}.${signature}`,
    'signed by an unknown key under the real kid': await forgeToken(keys, sub, { key: otherKey }),
    'unknown kid': await forgeToken(keys, sub, { kid: 'unknown-kid', key: otherKey }),
    expired: await forgeToken(keys, sub, { expiresIn: '-1m' }),
    'wrong aud': await forgeToken(keys, sub, { audience: 'someone-else' }),
    'wrong iss': await forgeToken(keys, sub, { issuer: 'https://evil.example' }),
    'unknown role claim': await forgeToken(keys, sub, { role: 'root' }),
    'subject not a uuid': await forgeToken(keys, 'admin'),
    'not a JWT': 'abc',
  };
}

/**
 * Whom a test token is for: an account id and role, with the `name` and `email` claims auth
 * would sign for it (hotel makes the account's guest profile from them).
 */
export function testAccount(role: Role, id: string = randomUUID()) {
  return {
    id,
    role,
    name: `Test ${role} ${id.slice(0, 8)}`,
    email: `${role}.${id.slice(0, 8)}@example.test`,
  };
}

/** Signs access tokens with the same key (and so the same kid) auth is given. */
export async function tokenSigner(privateKeyPem: string) {
  const keys = await loadSigningKeys(privateKeyPem);
  const signer = new AccessTokenSigner(keys, {
    issuer: testIssuer,
    audience: testAudience,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
  });
  return {
    keys,
    async bearer(role: Role, id: string = randomUUID()): Promise<Record<string, string>> {
      return { authorization: `Bearer ${await signer.sign(testAccount(role, id))}` };
    },
  };
}

/** A stand-in for auth's JWKS endpoint (tests whose subject is hotel alone). */
export async function serveJwks(privateKeyPem: string): Promise<{ url: string; close(): Promise<void> }> {
  const { jwks } = await loadSigningKeys(privateKeyPem);
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
