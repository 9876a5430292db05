import type { RequestHandler } from 'express';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type CompactJWSHeaderParameters,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { ForbiddenError, UnauthorizedError } from './errors';

const roles = ['guest', 'staff', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  userId: string;
  role: Role;
  tokenId: string;
  /** The account's name and email as the token states them (OIDC-style claims; absent in older tokens). */
  name?: string;
  email?: string;
}

declare module 'http' {
  interface IncomingMessage {
    principal?: Principal;
  }
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  /** How many verified tokens to remember (default 10 000; 0: verify every time). */
  cacheSize?: number;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The optional `name` and `email` claims, when they have the account fields' shape. */
function profileClaims(payload: Record<string, unknown>): Pick<Principal, 'name' | 'email'> {
  const { name, email } = payload;
  return {
    ...(typeof name === 'string' && name.trim() !== '' && name.length <= 100 ? { name } : {}),
    ...(typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 254 ? { email } : {}),
  };
}

/** Seconds of clock skew allowed on exp (and nbf). */
const clockToleranceSeconds = 5;

/** A token that verified: its principal, until when it stays valid, and the key that verified it. */
interface Verified {
  principal: Principal;
  validUntilMs: number;
  key: unknown;
}

/** The key the key set gives for a token now (undefined when it has none or the token is malformed). */
async function currentKey(keys: JWTVerifyGetKey, token: string): Promise<unknown> {
  try {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const protectedHeader = decodeProtectedHeader(token) as CompactJWSHeaderParameters;
    return await keys(protectedHeader, { protected: header, payload, signature });
  } catch {
    return undefined;
  }
}

/**
 * Verifies access tokens with the algorithm, issuer and audience pinned.
 *
 * A token that verified is remembered (up to `cacheSize`, oldest dropped first): the same
 * token string again is accepted without checking its signature again — the Ed25519 check
 * was the largest per-request cost of authenticated reads (21 % of the hotel's busy time on
 * GET /api/notifications) — but only while it has not expired (exp, with the same clock
 * tolerance) and while the key set still gives the very key that verified it: a rotated or
 * removed key (a new JWKS fetch builds new key objects) sends the token through full
 * verification again. Tokens that fail are not remembered; any other string is a different
 * token and is verified in full.
 */
export function createTokenVerifier({
  issuer,
  audience,
  keys,
  cacheSize = 10_000,
}: TokenVerifierOptions): TokenVerifier & { readonly signatureChecks: number } {
  const verified = new Map<string, Verified>();
  let signatureChecks = 0;

  const verify = async (token: string): Promise<Principal> => {
    let payload;
    let key: unknown;
    const recordingKeys: JWTVerifyGetKey = async (header, input) => (key = await keys(header, input));
    signatureChecks += 1;
    try {
      ({ payload } = await jwtVerify(token, recordingKeys, {
        algorithms: ['EdDSA'],
        issuer,
        audience,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        clockTolerance: clockToleranceSeconds,
      }));
    } catch {
      throw new UnauthorizedError('Invalid or expired access token');
    }
    const role = payload.role;
    if (typeof payload.sub !== 'string' || !uuid.test(payload.sub) || !roles.includes(role as Role)) {
      throw new UnauthorizedError('Invalid access token claims');
    }
    const principal: Principal = {
      userId: payload.sub,
      role: role as Role,
      tokenId: String(payload.jti),
      ...profileClaims(payload),
    };
    if (cacheSize > 0) {
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal, validUntilMs: (payload.exp! + clockToleranceSeconds) * 1000, key });
    }
    return { ...principal };
  };

  const verifier: TokenVerifier = async (token) => {
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.validUntilMs && (await currentKey(keys, token)) === known.key) {
        return { ...known.principal };
      }
      verified.delete(token);
    }
    return verify(token);
  };
  // Full verifications so far (for tests and diagnostics).
  return Object.defineProperty(verifier, 'signatureChecks', {
    get: () => signatureChecks,
    enumerable: true,
  }) as TokenVerifier & { readonly signatureChecks: number };
}

export function localKeySet(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return createLocalJWKSet(jwks);
}

/**
 * The one auth middleware: a present bearer token must verify (else 401); the principal is
 * attached to the request. Whether an operation requires a token is declared in the OpenAPI
 * spec and enforced by the validator's security handler below.
 */
export function authenticate(verify: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) return next();
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!match?.[1]) return next(new UnauthorizedError('Authorization header must be "Bearer <token>"'));
    req.principal = await verify(match[1]);
    next();
  };
}

/** express-openapi-validator security handler for `bearerAuth`. */
export const bearerSecurityHandler = (req: { principal?: Principal }): boolean => {
  if (!req.principal) throw new UnauthorizedError('Bearer token required');
  return true;
};

export function requirePrincipal(principal: Principal | undefined): Principal {
  if (!principal) throw new UnauthorizedError('Bearer token required');
  return principal;
}

export function requireRole(principal: Principal, ...allowed: Role[]): void {
  if (!allowed.includes(principal.role)) throw new ForbiddenError();
}

export const isStaff = (principal: Principal): boolean =>
  principal.role === 'staff' || principal.role === 'admin';
