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

export class AccessTokenSigner {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: TokenSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.accessTokenTtlSeconds;
  }

  sign(userId: string, role: Role): Promise<string> {
    return new SignJWT({ role })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.keys.kid, typ: 'JWT' })
      .setSubject(userId)
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
