import {
  isUniqueViolation,
  queryOne,
  queryRows,
  sortOrders,
  sqlParams,
  queryPage,
  type ListFilter,
  type Page,
  type PageQuery,
  type SqlQuery,
  type SqlRunner,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { FieldChanges, GuestRecord } from './records';

/** The account already has a (another) guest profile: `guests_user_id_key`. */
export class AccountHasProfileError extends Error {}

export type NewGuest = Pick<GuestRecord, 'name' | 'email' | 'phone' | 'notes' | 'userId'>;
export type GuestChanges = Partial<NewGuest>;

/** An account's profile as its token tells it; `claimsPending` when the token has no name. */
export type AccountProfile = Pick<GuestRecord, 'userId' | 'name' | 'email' | 'claimsPending'> & {
  userId: string;
};

const guestOrders = sortOrders('g.id', {
  name: [{ sql: 'lower(g.name) COLLATE "C"', kind: 'text' }],
  created_at: [{ sql: 'g.created_at', kind: 'timestamp' }],
});
export type GuestSortField = 'name' | 'created_at';

export interface GuestFilter extends ListFilter<GuestSortField> {
  /** The start of the name or email (case-insensitive). */
  prefix?: string;
  /** Prefix of the phone number's digits. */
  phoneDigits?: string;
}

const guestColumns = `g.id, g.name, g.email, g.phone, g.notes, g.user_id AS "userId",
  g.claims_pending AS "claimsPending", g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;

/** `text` as a LIKE prefix pattern: its wildcards escaped (`\` is the escape character), then `%`. */
export const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A page of guest profiles matching the search: prefixes by the C-collated indexes on
 * lower(name), lower(email) and the phone's digits. Exported for the benchmark's bare server.
 */
export function guestSearchQuery(filter: GuestFilter): PageQuery {
  const { values, param } = sqlParams();
  const where: string[] = [];
  const matches: string[] = [];
  if (filter.prefix !== undefined) {
    const pattern = param(likePrefix(filter.prefix));
    matches.push(
      `lower(g.name) COLLATE "C" LIKE lower(${pattern}) ESCAPE '\\'`,
      `lower(g.email) COLLATE "C" LIKE lower(${pattern}) ESCAPE '\\'`,
    );
  }
  if (filter.phoneDigits !== undefined) {
    matches.push(`g.phone_digits COLLATE "C" LIKE ${param(`${filter.phoneDigits}%`)}`);
  }
  if (matches.length > 0) where.push(`(${matches.join(' OR ')})`);
  return guestOrders.pageQuery(
    filter,
    { values, param },
    (page) =>
      `SELECT ${guestColumns}, ${page.cursorColumn} FROM hotel.guests g ${page.where(where)} ${page.orderByLimit}`,
  );
}

function translate(err: unknown): never {
  if (isUniqueViolation(err, 'guests_user_id_key')) throw new AccountHasProfileError();
  throw err;
}

/** SELECT of the profile linked to an account (the first statement of a guest's booking). */
export function guestByUserIdQuery(userId: string): SqlQuery {
  return { text: `SELECT ${guestColumns} FROM hotel.guests g WHERE g.user_id = $1`, values: [userId] };
}

/** Statements on hotel.guests, on the pool or inside a transaction. */
export class GuestStore {
  constructor(protected readonly db: SqlRunner) {}

  findById(id: string): Promise<GuestRecord | null> {
    return queryOne(this.db, `SELECT ${guestColumns} FROM hotel.guests g WHERE g.id = $1`, [id]);
  }

  findByUserId(userId: string): Promise<GuestRecord | null> {
    const { text, values } = guestByUserIdQuery(userId);
    return queryOne(this.db, text, values);
  }

  /**
   * The account's profile: made from its token's claims when it has none, and a placeholder
   * filled in when the token has the claims. Race-safe: concurrent first requests of one
   * account meet on `guests_user_id_key`, and all get the one profile.
   */
  async ofAccount(account: AccountProfile): Promise<GuestRecord> {
    const existing = await this.findByUserId(account.userId);
    if (existing && !(existing.claimsPending && !account.claimsPending)) return existing;
    const upserted = await queryOne<GuestRecord>(
      this.db,
      `INSERT INTO hotel.guests AS g (user_id, name, email, claims_pending) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, claims_pending = false, updated_at = now()
         WHERE g.claims_pending AND NOT EXCLUDED.claims_pending
       RETURNING ${guestColumns}`,
      [account.userId, account.name, account.email, account.claimsPending],
    );
    return upserted ?? (await this.findByUserId(account.userId))!;
  }

  async insert(guest: NewGuest): Promise<GuestRecord> {
    try {
      const inserted = await queryOne<GuestRecord>(
        this.db,
        `INSERT INTO hotel.guests AS g (name, email, phone, notes, user_id) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${guestColumns}`,
        [guest.name, guest.email, guest.phone, guest.notes, guest.userId],
      );
      return inserted!;
    } catch (err) {
      return translate(err);
    }
  }
}

/** A guest profile's change, with the bookings that follow its account link. */
export class GuestTx extends GuestStore {
  lock(id: string): Promise<GuestRecord | null> {
    return queryOne(this.db, `SELECT ${guestColumns} FROM hotel.guests g WHERE g.id = $1 FOR UPDATE`, [id]);
  }

  /** Applies the changes; a placeholder whose name, email or account is set by hand is one no more. */
  async update(id: string, changes: GuestChanges): Promise<GuestRecord> {
    const { values, param } = sqlParams([id]);
    const sets = ['updated_at = now()'];
    if (changes.name !== undefined || changes.email !== undefined || changes.userId !== undefined) {
      sets.push('claims_pending = false');
    }
    const columns = {
      name: 'name',
      email: 'email',
      phone: 'phone',
      notes: 'notes',
      userId: 'user_id',
    } as const;
    for (const [field, column] of Object.entries(columns) as Array<[keyof GuestChanges, string]>) {
      if (changes[field] !== undefined) sets.push(`${column} = ${param(changes[field])}`);
    }
    try {
      const updated = await queryOne<GuestRecord>(
        this.db,
        `UPDATE hotel.guests AS g SET ${sets.join(', ')} WHERE g.id = $1 RETURNING ${guestColumns}`,
        values,
      );
      return updated!;
    } catch (err) {
      return translate(err);
    }
  }

  /**
   * The profile's bookings follow its account link (`user_id`: who sees them), each one a new
   * version with its `changed` audit event. Returns how many moved.
   */
  async moveBookings(guestId: string, userId: string | null, actorUserId: string, changes: FieldChanges) {
    const moved = await queryRows(
      this.db,
      `WITH moved AS (
         UPDATE hotel.bookings b SET user_id = $2, version = b.version + 1, updated_at = now()
         WHERE b.guest_id = $1 AND b.user_id IS DISTINCT FROM $2
         RETURNING b.id, b.status
       )
       INSERT INTO hotel.booking_events (booking_id, actor_user_id, action, from_status, to_status, changes)
       SELECT id, $3, 'changed', status, status, $4::jsonb FROM moved
       RETURNING booking_id`,
      [guestId, userId, actorUserId, JSON.stringify(changes)],
    );
    return moved.length;
  }
}

export class GuestRepository extends GuestStore {
  constructor(private readonly dataSource: DataSource) {
    super(dataSource);
  }

  transaction<T>(work: (tx: GuestTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new GuestTx(manager)));
  }

  list(filter: GuestFilter): Promise<Page<GuestRecord>> {
    return queryPage(this.dataSource, guestSearchQuery(filter));
  }
}
