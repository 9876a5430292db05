import {
  isUniqueViolation,
  queryOne,
  statementOne,
  queryPage,
  queryRows,
  sortOrders,
  sqlParams,
  type ListFilter,
  type Page,
  type Role,
  type SqlRunner,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { UserRecord } from './records';
import { RefreshTokenTx } from './refresh-token-repository';
import { UserEventStore } from './user-events';

export class DuplicateEmailError extends Error {}

const userOrders = sortOrders('u.id', {
  created_at: [{ sql: 'u.created_at', kind: 'timestamp' }],
  email: [{ sql: 'u.email COLLATE "C"', kind: 'text' }],
  name: [{ sql: 'lower(u.name) COLLATE "C"', kind: 'text' }],
});
export type UserSortField = 'created_at' | 'email' | 'name';

export interface UserFilter extends ListFilter<UserSortField> {
  role?: Role;
  emailContains?: string;
}

export type NewUser = Pick<UserRecord, 'name' | 'email' | 'role' | 'passwordHash'>;
export type UserChanges = Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash'>>;

const userColumns = `u.id, u.name, u.email, u.role, u.password_hash AS "passwordHash",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One transaction for an account change and its audit event (and the sessions it ends). */
  transaction<T>(work: (tx: UserTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new UserTx(manager)));
  }

  /** The audit trail, read outside a transaction. */
  get events(): UserEventStore {
    return new UserEventStore(this.dataSource);
  }

  findById(id: string): Promise<UserRecord | null> {
    return statementOne(this.dataSource, {
      name: 'user_by_id',
      text: `SELECT ${userColumns} FROM auth.users u WHERE u.id = $1`,
      values: [id],
    });
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return statementOne(this.dataSource, {
      name: 'user_by_email',
      text: `SELECT ${userColumns} FROM auth.users u WHERE u.email = $1`,
      values: [email],
    });
  }

  /** Keyset-paginated in the filter's sort (default newest first). */
  list(filter: UserFilter): Promise<Page<UserRecord>> {
    const { values, param } = sqlParams();
    const where: string[] = [];
    if (filter.role) where.push(`u.role = ${param(filter.role)}`);
    if (filter.emailContains) {
      const escaped = filter.emailContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push(`u.email LIKE ${param(`%${escaped}%`)} ESCAPE '\\'`);
    }
    return queryPage(
      this.dataSource,
      userOrders.pageQuery(
        filter,
        { values, param },
        (page) =>
          `SELECT ${userColumns}, ${page.cursorColumn} FROM auth.users u ${page.where(where)} ${page.orderByLimit}`,
      ),
    );
  }
}

/** Account writes inside one transaction. */
export class UserTx {
  constructor(private readonly manager: SqlRunner) {}

  get events(): UserEventStore {
    return new UserEventStore(this.manager);
  }

  get refreshTokens(): RefreshTokenTx {
    return new RefreshTokenTx(this.manager);
  }

  /** The account, read in the transaction (not locked). */
  find(id: string): Promise<UserRecord | null> {
    return queryOne(this.manager, `SELECT ${userColumns} FROM auth.users u WHERE u.id = $1`, [id]);
  }

  /** The account, locked until commit (concurrent changes of one account run one after the other). */
  lock(id: string): Promise<UserRecord | null> {
    return queryOne(this.manager, `SELECT ${userColumns} FROM auth.users u WHERE u.id = $1 FOR UPDATE`, [id]);
  }

  /** Inserts a user; a taken email (case-insensitive: emails are stored lower-case) throws DuplicateEmailError. */
  async insert(user: NewUser): Promise<UserRecord> {
    try {
      const inserted = await queryOne<UserRecord>(
        this.manager,
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

  /** Inserts unless the email exists; the new user, or null (safe when replicas race at start-up). */
  insertIfAbsent(user: NewUser): Promise<UserRecord | null> {
    return queryOne(
      this.manager,
      `INSERT INTO auth.users AS u (name, email, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING ${userColumns}`,
      [user.name, user.email, user.role, user.passwordHash],
    );
  }

  async update(id: string, changes: UserChanges): Promise<UserRecord> {
    const { values, param } = sqlParams([id]);
    const sets = ['updated_at = now()'];
    if (changes.name !== undefined) sets.push(`name = ${param(changes.name)}`);
    if (changes.role !== undefined) sets.push(`role = ${param(changes.role)}`);
    if (changes.passwordHash !== undefined) sets.push(`password_hash = ${param(changes.passwordHash)}`);
    const updated = await queryOne<UserRecord>(
      this.manager,
      `UPDATE auth.users AS u SET ${sets.join(', ')} WHERE u.id = $1 RETURNING ${userColumns}`,
      values,
    );
    return updated!;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await queryRows(this.manager, 'DELETE FROM auth.users WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }
}
