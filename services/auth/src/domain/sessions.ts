import { randomUUID } from 'node:crypto';
import { UnauthorizedError } from '@myhotel/common';
import type { UserRecord } from '../data/records';
import type { RefreshTokenRepository } from '../data/refresh-token-repository';
import type { UserRepository } from '../data/user-repository';
import { verifyPassword } from './passwords';
import { hashRefreshToken, newRefreshToken, type AccessTokenSigner } from './tokens';
import { normaliseEmail } from './users';
import type { TokenPair } from './views';

const invalidCredentials = () => new UnauthorizedError('Invalid email or password');
const invalidRefreshToken = () => new UnauthorizedError('Invalid refresh token');

/** Login, refresh-token rotation with reuse detection, logout. */
export class SessionService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly signer: AccessTokenSigner,
    private readonly refreshTokenTtlDays: number,
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.users.findByEmail(normaliseEmail(email));
    // Unknown email and wrong password: same answer, same work (a dummy hash is verified).
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok) throw invalidCredentials();
    // Each login starts a family and each refresh adds a row, so the user's dead rows go here.
    // An expired token stays one more lifetime: presenting a rotated one still revokes its family.
    await this.refreshTokens.deleteExpiredOfUser(user.id, this.refreshTokenTtlDays);
    const refresh = newRefreshToken();
    await this.refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId: randomUUID(),
      tokenHash: refresh.hash,
      expiresAt: this.refreshExpiry(),
    });
    return this.pair(user, refresh.token);
  }

  /**
   * Rotates a refresh token. Presenting a token that was already rotated means it leaked
   * (or was replayed): the whole family is revoked, and the call fails.
   */
  async refresh(token: string): Promise<TokenPair> {
    // Every statement on the transaction's connection: a read on another pooled connection
    // while this one is held starved the pool under concurrent refreshes (503s once as many
    // refreshes ran as the pool has connections).
    const outcome = await this.users.transaction(async (userTx) => {
      const tx = userTx.refreshTokens;
      const current = await tx.findByHashForUpdate(hashRefreshToken(token));
      if (!current) return { kind: 'invalid' as const };
      if (current.revokedAt) {
        if (current.replacedById) await tx.revokeFamily(current.familyId);
        return { kind: 'invalid' as const };
      }
      if (current.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const user = await userTx.find(current.userId);
      if (!user) return { kind: 'invalid' as const };
      const next = newRefreshToken();
      const nextId = randomUUID();
      await tx.insert({
        id: nextId,
        userId: user.id,
        familyId: current.familyId,
        tokenHash: next.hash,
        expiresAt: this.refreshExpiry(),
      });
      await tx.markRotated(current.id, nextId);
      return { kind: 'rotated' as const, user, token: next.token };
    });
    // Thrown after commit, so a detected reuse's family revocation is kept.
    if (outcome.kind === 'invalid') throw invalidRefreshToken();
    return this.pair(outcome.user, outcome.token);
  }

  logout(token: string): Promise<void> {
    return this.refreshTokens.revokeByHash(hashRefreshToken(token));
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.refreshTokenTtlDays * 86_400_000);
  }

  private async pair(user: UserRecord, refreshToken: string): Promise<TokenPair> {
    return {
      access_token: await this.signer.sign(user),
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: this.signer.ttlSeconds,
    };
  }
}
