import {
  isUniqueViolation,
  newestFirst,
  queryOne,
  queryRows,
  sqlParams,
  type Page,
  type Role,
  type WithCursorAt,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { UserRecord } from './records';

export class DuplicateEmailError extends Error {}

export interface UserFilter {
  role?: Role;
  emailContains?: string;
  limit: number;
  cursor?: string;
}

export type NewUser = Pick<UserRecord, 'name' | 'email' | 'role' | 'passwordHash'>;
export type UserChanges = Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash'>>;

const newestUsersFirst = newestFirst('u');
const userColumns = `u.id, u.name, u.email, u.role, u.password_hash AS "passwordHash",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<UserRecord | null> {
    return queryOne(this.dataSource, `SELECT ${userColumns} FROM auth.users u WHERE u.id = $1`, [id]);
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return queryOne(this.dataSource, `SELECT ${userColumns} FROM auth.users u WHERE u.email = $1`, [email]);
  }

  /** Inserts a user; a taken email (case-insensitive: emails are stored lower-case) throws DuplicateEmailError. */
  async insert(user: NewUser): Promise<UserRecord> {
    try {
      const inserted = await queryOne<UserRecord>(
        this.dataSource,
        `INSERT INTO auth.users AS u (name, email, role, password_hash) VALUES ($1, $2, $3, $4)
         RETURNING ${userColumns}`,
        [user.name, user.email, user.role, user.passwordHash],
      );
      return inserted!;
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw new DuplicateEmailError();
      throw err;
    }
  }

  /** Inserts unless the email exists; true when inserted (safe when replicas race at start-up). */
  async insertIfAbsent(user: NewUser): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO auth.users (name, email, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [user.name, user.email, user.role, user.passwordHash],
    );
    return rows.length > 0;
  }

  /** Applies the changes; null when there is no such user. */
  update(id: string, changes: UserChanges): Promise<UserRecord | null> {
    const { values, param } = sqlParams([id]);
    const sets = ['updated_at = now()'];
    if (changes.name !== undefined) sets.push(`name = ${param(changes.name)}`);
    if (changes.role !== undefined) sets.push(`role = ${param(changes.role)}`);
    if (changes.passwordHash !== undefined) sets.push(`password_hash = ${param(changes.passwordHash)}`);
    return queryOne(
      this.dataSource,
      `UPDATE auth.users AS u SET ${sets.join(', ')} WHERE u.id = $1 RETURNING ${userColumns}`,
      values,
    );
  }

  async delete(id: string): Promise<boolean> {
    const rows = await queryRows(this.dataSource, 'DELETE FROM auth.users WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(filter: UserFilter): Promise<Page<UserRecord>> {
    const { values, param } = sqlParams();
    const where: string[] = [];
    if (filter.role) where.push(`u.role = ${param(filter.role)}`);
    if (filter.emailContains) {
      const escaped = filter.emailContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push(`u.email LIKE ${param(`%${escaped}%`)} ESCAPE '\\'`);
    }
    const after = newestUsersFirst.after(filter.cursor, param);
    if (after) where.push(after);
    const rows = await queryRows<WithCursorAt<UserRecord>>(
      this.dataSource,
      `SELECT ${userColumns}, ${newestUsersFirst.cursorColumn} FROM auth.users u
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${newestUsersFirst.orderBy} LIMIT ${param(filter.limit + 1)}`,
      values,
    );
    return newestUsersFirst.toPage(rows, filter.limit);
  }
}
