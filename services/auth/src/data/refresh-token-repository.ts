import type { DataSource, EntityManager } from 'typeorm';
import { RefreshTokenEntity, type RefreshTokenRecord } from './entities';

export class RefreshTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; the token row it reads is locked until commit. */
  transaction<T>(work: (tx: RefreshTokenTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new RefreshTokenTx(manager)));
  }

  insert(
    token: Omit<RefreshTokenRecord, 'createdAt' | 'revokedAt' | 'replacedById'>,
  ): Promise<RefreshTokenRecord> {
    return new RefreshTokenTx(this.dataSource.manager).insert(token);
  }

  async revokeByHash(tokenHash: string): Promise<void> {
    await this.dataSource
      .getRepository(RefreshTokenEntity)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND revoked_at IS NULL', { tokenHash })
      .execute();
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.dataSource
      .getRepository(RefreshTokenEntity)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .execute();
  }
}

export class RefreshTokenTx {
  constructor(private readonly manager: EntityManager) {}

  private get repo() {
    return this.manager.getRepository(RefreshTokenEntity);
  }

  findByHashForUpdate(tokenHash: string): Promise<RefreshTokenRecord | null> {
    return this.repo
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.token_hash = :tokenHash', { tokenHash })
      .getOne();
  }

  insert(
    token: Omit<RefreshTokenRecord, 'createdAt' | 'revokedAt' | 'replacedById'>,
  ): Promise<RefreshTokenRecord> {
    return this.repo.save(this.repo.create({ ...token, revokedAt: null, replacedById: null }));
  }

  async markRotated(id: string, replacedById: string): Promise<void> {
    await this.repo.update({ id }, { revokedAt: () => 'now()', replacedById } as never);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }
}
