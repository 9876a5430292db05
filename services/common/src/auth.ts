import type { RequestHandler } from 'express';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
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

/** Verifies access tokens with the algorithm, issuer and audience pinned. */
export function createTokenVerifier({ issuer, audience, keys }: TokenVerifierOptions): TokenVerifier {
  return async (token) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        issuer,
        audience,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        clockTolerance: 5,
      }));
    } catch {
      throw new UnauthorizedError('Invalid or expired access token');
    }
    const role = payload.role;
    if (typeof payload.sub !== 'string' || !uuid.test(payload.sub) || !roles.includes(role as Role)) {
      throw new UnauthorizedError('Invalid access token claims');
    }
    return {
      userId: payload.sub,
      role: role as Role,
      tokenId: String(payload.jti),
      ...profileClaims(payload),
    };
  };
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
