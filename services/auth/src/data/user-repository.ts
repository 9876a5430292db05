import { randomUUID } from 'node:crypto';
import { decodeCursor, isUniqueViolation, toPage, type Page, type Role } from '@myhotel/common';
import type { DataSource, EntityManager } from 'typeorm';
import { UserEntity, type UserRecord } from './entities';

export class DuplicateEmailError extends Error {}

export interface UserFilter {
  role?: Role;
  emailContains?: string;
  limit: number;
  cursor?: string;
}

export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(UserEntity);
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.repo().findOneBy({ id });
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.repo().findOneBy({ email });
  }

  /** Inserts a user; a taken email (case-insensitive: emails are stored lower-case) throws DuplicateEmailError. */
  async insert(user: Pick<UserRecord, 'name' | 'email' | 'role' | 'passwordHash'>): Promise<UserRecord> {
    try {
      const record = this.repo().create({ id: randomUUID(), ...user });
      return await this.repo().save(record);
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw new DuplicateEmailError();
      throw err;
    }
  }

  /** Inserts unless the email exists; true when inserted (safe when replicas race at start-up). */
  async insertIfAbsent(user: Pick<UserRecord, 'name' | 'email' | 'role' | 'passwordHash'>): Promise<boolean> {
    const result = await this.repo()
      .createQueryBuilder()
      .insert()
      .values({ id: randomUUID(), ...user })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async update(
    id: string,
    changes: Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash'>>,
  ): Promise<UserRecord | null> {
    await this.repo().update({ id }, changes);
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.repo().delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async list(filter: UserFilter): Promise<Page<UserRecord>> {
    const query = this.repo()
      .createQueryBuilder('u')
      .orderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'DESC');
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (filter.emailContains) {
      const escaped = filter.emailContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      query.andWhere(`u.email LIKE :email ESCAPE '\\'`, { email: `%${escaped}%` });
    }
    const position = decodeCursor(filter.cursor);
    if (position) query.andWhere('(u.created_at, u.id) < (:t, :id)', position);
    const rows = await query.limit(filter.limit + 1).getMany();
    return toPage(
      rows,
      filter.limit,
      (u) => ({ t: u.createdAt.toISOString(), id: u.id }),
      (u) => u,
    );
  }
}
