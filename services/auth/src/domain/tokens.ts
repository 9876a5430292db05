import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@myhotel/common';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

/** Whom an access token is for. */
export interface TokenSubject {
  id: string;
  role: Role;
  name: string;
  email: string;
}

export class AccessTokenSigner {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: TokenSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.accessTokenTtlSeconds;
  }

  /**
   * An access token of the account: `sub`, `role`, and its `name` and `email` as OpenID
   * Connect names them (hotel makes a guest's profile from them).
   */
  sign(account: TokenSubject): Promise<string> {
    return new SignJWT({ role: account.role, name: account.name, email: account.email })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.keys.kid, typ: 'JWT' })
      .setSubject(account.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.settings.accessTokenTtlSeconds}s`)
      .sign(this.keys.privateKey);
  }
}

/** Opaque refresh token (256 random bits); only its SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
