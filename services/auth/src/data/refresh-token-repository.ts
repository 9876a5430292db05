import { queryOne, type SqlRunner } from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { RefreshTokenRecord } from './records';

export type NewRefreshToken = Pick<
  RefreshTokenRecord,
  'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'
>;

const tokenColumns = `t.id, t.user_id AS "userId", t.family_id AS "familyId", t.token_hash AS "tokenHash",
  t.expires_at AS "expiresAt", t.created_at AS "createdAt", t.revoked_at AS "revokedAt",
  t.replaced_by_id AS "replacedById"`;

async function insertToken(db: SqlRunner, token: NewRefreshToken): Promise<void> {
  await db.query(
    `INSERT INTO auth.refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [token.id, token.userId, token.familyId, token.tokenHash, token.expiresAt],
  );
}

/** Revokes the live tokens of one column's value (a hash, a user, a family). */
async function revokeWhere(
  db: SqlRunner,
  column: 'token_hash' | 'user_id' | 'family_id',
  value: string,
): Promise<void> {
  await db.query(
    `UPDATE auth.refresh_tokens SET revoked_at = now() WHERE ${column} = $1 AND revoked_at IS NULL`,
    [value],
  );
}

export class RefreshTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  insert(token: NewRefreshToken): Promise<void> {
    return insertToken(this.dataSource, token);
  }

  revokeByHash(tokenHash: string): Promise<void> {
    return revokeWhere(this.dataSource, 'token_hash', tokenHash);
  }

  /** Deletes the user's tokens that expired more than `graceDays` ago; how many. */
  async deleteExpiredOfUser(userId: string, graceDays: number): Promise<number> {
    const rows = await this.dataSource.query(
      `DELETE FROM auth.refresh_tokens
        WHERE user_id = $1 AND expires_at < now() - make_interval(days => $2)
        RETURNING id`,
      [userId, graceDays],
    );
    return (rows as unknown[]).length;
  }
}

/** Refresh-token statements inside a transaction (UserTx.refreshTokens): the token row read is locked until commit. */
export class RefreshTokenTx {
  constructor(private readonly manager: SqlRunner) {}

  findByHashForUpdate(tokenHash: string): Promise<RefreshTokenRecord | null> {
    return queryOne(
      this.manager,
      `SELECT ${tokenColumns} FROM auth.refresh_tokens t WHERE t.token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
  }

  insert(token: NewRefreshToken): Promise<void> {
    return insertToken(this.manager, token);
  }

  async markRotated(id: string, replacedById: string): Promise<void> {
    await this.manager.query(
      'UPDATE auth.refresh_tokens SET revoked_at = now(), replaced_by_id = $2 WHERE id = $1',
      [id, replacedById],
    );
  }

  revokeFamily(familyId: string): Promise<void> {
    return revokeWhere(this.manager, 'family_id', familyId);
  }

  /** Ends every session of the user (a new password or role). */
  revokeAllForUser(userId: string): Promise<void> {
    return revokeWhere(this.manager, 'user_id', userId);
  }
}
