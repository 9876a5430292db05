import {
  isExclusionViolation,
  mapPage,
  queryOne,
  statementOne,
  queryPage,
  sortOrders,
  sqlParams,
  violationDetail,
  type ListFilter,
  type Page,
  type PageQuery,
  type SqlQuery,
  type SqlRunner,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import { BookingEventStore, bookingEventInsert } from './booking-events';
import { GuestStore, guestByUserIdQuery, likePrefix } from './guest-repository';
import { IdempotencyKeyStore } from './idempotency-key-store';
import type { BookingRecord, BookingStatus, Housekeeping, RoomRecord, RoomStatus } from './records';
import { roomColumns } from './room-repository';

export interface Stay {
  checkIn: string;
  checkOut: string;
}

/**
 * The room is already held by a booking in an active state for an overlapping stay; the
 * conflicting stay's dates, as PostgreSQL reports the violated key (never its id or guest).
 */
export class OverlappingBookingError extends Error {
  constructor(readonly conflict: Stay | undefined) {
    super('overlapping booking');
  }
}

const conflictingKey =
  /conflicts with existing key \(room_id, daterange\(check_in, check_out\)\)=\([0-9a-f-]{36}, \[(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})\)\)/;

function overlapping(err: unknown): OverlappingBookingError {
  const match = conflictingKey.exec(violationDetail(err) ?? '');
  return new OverlappingBookingError(match ? { checkIn: match[1]!, checkOut: match[2]! } : undefined);
}

interface CheckRecord {
  performedBy: string;
  performedAt: Date;
}

export interface BookingDetails extends BookingRecord {
  roomNumber: string;
  nights: number;
  guest: { id: string; name: string; email: string | null };
  checkInRecord: CheckRecord | null;
  checkOutRecord: CheckRecord | null;
}

const bookingOrders = sortOrders('b.id', {
  created_at: [{ sql: 'b.created_at', kind: 'timestamp' }],
  updated_at: [{ sql: 'b.updated_at', kind: 'timestamp' }],
  check_in: [{ sql: 'b.check_in', kind: 'date' }],
});
export type BookingSortField = 'created_at' | 'updated_at' | 'check_in';

/** `q`: a booking reference, or the start of the guest's name or email. */
interface BookingSearch {
  reference?: string;
  prefix: string;
}

export interface BookingFilter extends ListFilter<BookingSortField> {
  /** Restricts to one account's bookings (guests: always themselves). */
  ownerId?: string;
  userId?: string;
  guestId?: string;
  status?: BookingStatus;
  roomId?: string;
  /** Stays ending after this date. */
  from?: string;
  /** Stays starting before this date. */
  to?: string;
  /** Changed after this instant. */
  updatedSince?: string;
  search?: BookingSearch;
}

export type NewBooking = Pick<
  BookingRecord,
  | 'id'
  | 'reference'
  | 'guestId'
  | 'userId'
  | 'roomId'
  | 'checkIn'
  | 'checkOut'
  | 'guests'
  | 'notes'
  | 'createdBy'
>;

/** What a change sets: the whole stay (the changed fields merged into the booking's). */
export type BookingChange = Pick<BookingRecord, 'roomId' | 'checkIn' | 'checkOut' | 'guests'>;

const bookingColumns = `
  b.id, b.reference, b.guest_id AS "guestId", b.user_id AS "userId", b.room_id AS "roomId",
  b.check_in AS "checkIn", b.check_out AS "checkOut", b.guests, b.status,
  b.price_per_night::text AS "pricePerNight", b.total_price::text AS "totalPrice", b.notes,
  b.created_by AS "createdBy", b.cancelled_at AS "cancelledAt", b.version,
  b.created_at AS "createdAt", b.updated_at AS "updatedAt"`;

/**
 * A booking with its room number, guest summary and check records (and `extra` select items);
 * `bookings`: where the bookings come from (the table, or a subquery of it aliased b).
 */
const detailsSelect = (extra?: string, bookings = 'hotel.bookings b') => `
  SELECT ${bookingColumns}, r.number AS "roomNumber", (b.check_out - b.check_in) AS nights,
    g.name AS "guestName", g.email AS "guestEmail",
    ci.performed_by AS "ciBy", ci.performed_at AS "ciAt", co.performed_by AS "coBy", co.performed_at AS "coAt"
    ${extra ? `, ${extra}` : ''}
  FROM ${bookings}
  JOIN hotel.rooms r ON r.id = b.room_id
  JOIN hotel.guests g ON g.id = b.guest_id
  LEFT JOIN hotel.check_ins ci ON ci.booking_id = b.id
  LEFT JOIN hotel.check_outs co ON co.booking_id = b.id`;

interface DetailsRow extends BookingRecord {
  roomNumber: string;
  nights: number;
  guestName: string;
  guestEmail: string | null;
  ciBy: string | null;
  ciAt: Date | null;
  coBy: string | null;
  coAt: Date | null;
}

function toDetails({ guestName, guestEmail, ciBy, ciAt, coBy, coAt, ...row }: DetailsRow): BookingDetails {
  return {
    ...row,
    guest: { id: row.guestId, name: guestName, email: guestEmail },
    checkInRecord: ciBy && ciAt ? { performedBy: ciBy, performedAt: ciAt } : null,
    checkOutRecord: coBy && coAt ? { performedBy: coBy, performedAt: coAt } : null,
  };
}

/** The booking's guests matching a name or email prefix (an InitPlan: one index probe, then ids). */
const guestsByPrefix = (pattern: string) => `ARRAY(
  SELECT g.id FROM hotel.guests g
  WHERE lower(g.name) COLLATE "C" LIKE lower(${pattern}) ESCAPE '\\'
     OR lower(g.email) COLLATE "C" LIKE lower(${pattern}) ESCAPE '\\')`;

/** The longest stay, in nights (the bookings_stay_length_check constraint). */
const longestStay = 30;

/** A filtered, keyset-paginated page of bookings in the filter's sort (`limit + 1` rows). */
export function bookingListQuery(filter: BookingFilter): PageQuery {
  const where: string[] = [];
  const { values, param } = sqlParams();
  if (filter.ownerId !== undefined) where.push(`b.user_id = ${param(filter.ownerId)}`);
  if (filter.userId !== undefined) where.push(`b.user_id = ${param(filter.userId)}`);
  if (filter.guestId !== undefined) where.push(`b.guest_id = ${param(filter.guestId)}`);
  if (filter.status !== undefined) where.push(`b.status = ${param(filter.status)}`);
  if (filter.roomId !== undefined) where.push(`b.room_id = ${param(filter.roomId)}`);
  if (filter.from !== undefined) {
    const from = param(filter.from);
    // Implied by check_out > from (a stay is at most longestStay nights): bounds the index
    // range over check_in, so the window reads only the stays that can overlap it.
    where.push(`b.check_out > ${from}::date`, `b.check_in > ${from}::date - ${longestStay}`);
  }
  if (filter.to !== undefined) where.push(`b.check_in < ${param(filter.to)}::date`);
  if (filter.updatedSince !== undefined)
    where.push(`b.updated_at > ${param(filter.updatedSince)}::timestamptz`);
  if (filter.search !== undefined) {
    const byGuest = `b.guest_id = ANY (${guestsByPrefix(param(likePrefix(filter.search.prefix)))})`;
    where.push(
      filter.search.reference === undefined
        ? byGuest
        : `(b.reference = ${param(filter.search.reference)} OR ${byGuest})`,
    );
  }
  if (filter.from !== undefined && filter.to !== undefined) {
    // A window of dates: its bookings are read first (an index range, see
    // bookings_status_check_in_idx; OFFSET 0 keeps the subquery from being flattened), then
    // the page of them is sorted and cut, and only the page is joined to its room, guest and
    // check records. Left to itself the planner walks the sort's index and filters by date,
    // expecting matches spread evenly over it; they are not (a booking is made shortly before
    // its stay), so it read every booking of the status on a window with few matches.
    return bookingOrders.pageQuery(filter, { values, param }, (page) => {
      const windowed = `(SELECT b.* FROM (SELECT * FROM hotel.bookings b ${page.where(where)} OFFSET 0) b
        ${page.orderByLimit}) b`;
      return `${detailsSelect(page.cursorColumn, windowed)} ${page.orderByLimit}`;
    });
  }
  return bookingOrders.pageQuery(
    filter,
    { values, param },
    (page) => `${detailsSelect(page.cursorColumn)} ${page.where(where)} ${page.orderByLimit}`,
  );
}

/**
 * The statements of a booking's change, one function each, so that the benchmark's bare
 * server runs exactly the SQL of `PATCH /api/bookings/{id}` (see BookingTx for each).
 */
export const bookingChangeStatements = {
  lock: (id: string): SqlQuery => ({
    text: `SELECT ${bookingColumns} FROM hotel.bookings b WHERE b.id = $1 FOR UPDATE`,
    values: [id],
  }),
  room: (roomId: string): SqlQuery => ({
    text: `SELECT ${roomColumns('r')} FROM hotel.rooms r WHERE r.id = $1 AND r.deleted_at IS NULL FOR KEY SHARE`,
    values: [roomId],
  }),
  change: (id: string, change: BookingChange): SqlQuery => ({
    text: `UPDATE hotel.bookings b
           SET room_id = r.id, check_in = $3::date, check_out = $4::date, guests = $5,
               price_per_night = r.price_per_night, total_price = r.price_per_night * ($4::date - $3::date),
               version = b.version + 1, updated_at = now()
           FROM hotel.rooms r WHERE b.id = $1 AND r.id = $2`,
    values: [id, change.roomId, change.checkIn, change.checkOut, change.guests],
  }),
  details: (id: string): SqlQuery => ({
    name: 'booking_details_by_id',
    text: `${detailsSelect()} WHERE b.id = $1`,
    values: [id],
  }),
  /** The audit event, with the account's notification. */
  record: bookingEventInsert,
};

/**
 * The statements of a booking's creation by a guest, in the order the service runs them in
 * one transaction (see BookingService.create), so that the benchmark's bare server runs
 * exactly the SQL of `POST /api/bookings`.
 */
export const bookingCreateStatements = {
  /** The account's guest profile. */
  guest: guestByUserIdQuery,
  /** The room, locked against deletion (FOR KEY SHARE). */
  room: bookingChangeStatements.room,
  /** The pending booking at the room's current price (none when the reference is taken). */
  insert: (booking: NewBooking): SqlQuery => ({
    text: `INSERT INTO hotel.bookings
             (id, reference, guest_id, user_id, room_id, check_in, check_out, guests, status,
              price_per_night, total_price, notes, created_by)
           SELECT $1, $2, $3, $4, r.id, $6::date, $7::date, $8, 'pending', r.price_per_night,
                  r.price_per_night * ($7::date - $6::date), $9, $10
           FROM hotel.rooms r WHERE r.id = $5
           ON CONFLICT (reference) DO NOTHING
           RETURNING id`,
    values: [
      booking.id,
      booking.reference,
      booking.guestId,
      booking.userId,
      booking.roomId,
      booking.checkIn,
      booking.checkOut,
      booking.guests,
      booking.notes,
      booking.createdBy,
    ],
  }),
  details: bookingChangeStatements.details,
  /** The audit event, with the account's notification. */
  record: bookingEventInsert,
};

async function findDetails(db: SqlRunner, id: string): Promise<BookingDetails | null> {
  const row = await statementOne<DetailsRow>(db, bookingChangeStatements.details(id));
  return row && toDetails(row);
}

export class BookingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One transaction (READ COMMITTED); rows locked in it stay locked until commit. */
  transaction<T>(work: (tx: BookingTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new BookingTx(manager)));
  }

  findDetails(id: string): Promise<BookingDetails | null> {
    return findDetails(this.dataSource.manager, id);
  }

  /** The audit trail, read outside a transaction. */
  get events(): BookingEventStore {
    return new BookingEventStore(this.dataSource);
  }

  /** Keyset-paginated in the filter's sort. */
  async list(filter: BookingFilter): Promise<Page<BookingDetails>> {
    return mapPage(await queryPage<DetailsRow>(this.dataSource, bookingListQuery(filter)), toDetails);
  }
}

export class BookingTx {
  constructor(private readonly manager: SqlRunner) {}

  /** The Idempotency-Keys of this transaction. */
  idempotencyKeys(ttlHours: number): IdempotencyKeyStore {
    return new IdempotencyKeyStore(this.manager, ttlHours);
  }

  get guests(): GuestStore {
    return new GuestStore(this.manager);
  }

  get events(): BookingEventStore {
    return new BookingEventStore(this.manager);
  }

  // ---- Rooms -----------------------------------------------------------------------------

  /**
   * The room to book, locked FOR KEY SHARE: waits for a concurrent delete (FOR UPDATE) and
   * then sees it as gone, but never blocks other bookings or check-in/out status updates.
   */
  roomForBooking(roomId: string): Promise<RoomRecord | null> {
    const { text, values } = bookingChangeStatements.room(roomId);
    return queryOne(this.manager, text, values);
  }

  /** The booking's room, locked for a status change (check-in/out). */
  lockRoom(roomId: string): Promise<RoomRecord | null> {
    return queryOne(
      this.manager,
      `SELECT ${roomColumns('r')} FROM hotel.rooms r WHERE r.id = $1 FOR NO KEY UPDATE`,
      [roomId],
    );
  }

  async setRoomState(
    roomId: string,
    state: { status?: RoomStatus; housekeeping?: Housekeeping },
  ): Promise<void> {
    await this.manager.query(
      `UPDATE hotel.rooms SET status = COALESCE($2, status), housekeeping = COALESCE($3, housekeeping),
         updated_at = now() WHERE id = $1`,
      [roomId, state.status ?? null, state.housekeeping ?? null],
    );
  }

  // ---- Bookings --------------------------------------------------------------------------

  /**
   * Inserts a pending booking at the room's current price; the total (price × nights) is
   * computed by PostgreSQL in numeric. False when the reference is taken (draw another); an
   * overlap with an active booking of the room violates `bookings_no_overlap` →
   * OverlappingBookingError.
   */
  async insertBooking(booking: NewBooking): Promise<boolean> {
    try {
      const { text, values } = bookingCreateStatements.insert(booking);
      const inserted = await this.manager.query(text, values);
      return (inserted as unknown[]).length === 1;
    } catch (err) {
      if (isExclusionViolation(err, 'bookings_no_overlap')) throw overlapping(err);
      throw err;
    }
  }

  /** SELECT ... FOR UPDATE: concurrent changes and transitions of one booking run one after the other. */
  lockBooking(id: string): Promise<BookingRecord | null> {
    const { text, values } = bookingChangeStatements.lock(id);
    return queryOne(this.manager, text, values);
  }

  /**
   * Sets the booking's stay and re-prices it from the room's current price (a new version).
   * An overlap with another active booking of the room → OverlappingBookingError.
   */
  async changeBooking(id: string, change: BookingChange): Promise<void> {
    const { text, values } = bookingChangeStatements.change(id, change);
    try {
      await this.manager.query(text, values);
    } catch (err) {
      if (isExclusionViolation(err, 'bookings_no_overlap')) throw overlapping(err);
      throw err;
    }
  }

  async setStatus(id: string, status: BookingStatus): Promise<void> {
    await this.manager.query(
      `UPDATE hotel.bookings SET status = $2, version = version + 1, updated_at = now(),
         cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE cancelled_at END
       WHERE id = $1`,
      [id, status],
    );
  }

  async recordCheck(kind: 'in' | 'out', bookingId: string, performedBy: string): Promise<void> {
    await this.manager.query(`INSERT INTO hotel.check_${kind}s (booking_id, performed_by) VALUES ($1, $2)`, [
      bookingId,
      performedBy,
    ]);
  }

  findDetails(id: string): Promise<BookingDetails | null> {
    return findDetails(this.manager, id);
  }
}
