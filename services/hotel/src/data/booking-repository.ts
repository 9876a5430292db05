import {
  isExclusionViolation,
  mapPage,
  newestFirst,
  queryOne,
  queryRows,
  sqlParams,
  type Page,
  type SqlQuery,
  type SqlRunner,
  type WithCursorAt,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { BookingRecord, BookingStatus, NotificationType, RoomRecord, RoomStatus } from './records';
import { IdempotencyKeyStore } from './idempotency-key-store';
import { roomColumns } from './room-repository';

/** The room is already held by a booking in an active state for an overlapping stay. */
export class OverlappingBookingError extends Error {}

interface CheckRecord {
  performedBy: string;
  performedAt: Date;
}

export interface BookingDetails extends BookingRecord {
  roomNumber: string;
  nights: number;
  checkInRecord: CheckRecord | null;
  checkOutRecord: CheckRecord | null;
}

export interface BookingFilter {
  /** Restricts to one user's bookings (guests: always themselves). */
  ownerId?: string;
  userId?: string;
  status?: BookingStatus;
  roomId?: string;
  /** Stays ending after this date. */
  from?: string;
  /** Stays starting before this date. */
  to?: string;
  limit: number;
  cursor?: string;
}

export type NewBooking = Pick<
  BookingRecord,
  'id' | 'userId' | 'roomId' | 'checkIn' | 'checkOut' | 'guests' | 'notes' | 'createdBy'
>;

const bookingColumns = `
  b.id, b.user_id AS "userId", b.room_id AS "roomId", b.check_in AS "checkIn", b.check_out AS "checkOut",
  b.guests, b.status, b.price_per_night::text AS "pricePerNight", b.total_price::text AS "totalPrice", b.notes,
  b.created_by AS "createdBy", b.cancelled_at AS "cancelledAt", b.created_at AS "createdAt", b.updated_at AS "updatedAt"`;

const newestBookingsFirst = newestFirst('b');

const detailsSelect = `
  SELECT ${bookingColumns}, r.number AS "roomNumber", (b.check_out - b.check_in) AS nights,
    ci.performed_by AS "ciBy", ci.performed_at AS "ciAt", co.performed_by AS "coBy", co.performed_at AS "coAt",
    ${newestBookingsFirst.cursorColumn}
  FROM hotel.bookings b
  JOIN hotel.rooms r ON r.id = b.room_id
  LEFT JOIN hotel.check_ins ci ON ci.booking_id = b.id
  LEFT JOIN hotel.check_outs co ON co.booking_id = b.id`;

interface DetailsRow extends BookingRecord {
  roomNumber: string;
  nights: number;
  ciBy: string | null;
  ciAt: Date | null;
  coBy: string | null;
  coAt: Date | null;
}

function toDetails({ ciBy, ciAt, coBy, coAt, ...row }: DetailsRow): BookingDetails {
  return {
    ...row,
    checkInRecord: ciBy && ciAt ? { performedBy: ciBy, performedAt: ciAt } : null,
    checkOutRecord: coBy && coAt ? { performedBy: coBy, performedAt: coAt } : null,
  };
}

async function findDetails(db: SqlRunner, id: string): Promise<BookingDetails | null> {
  const row = await queryOne<WithCursorAt<DetailsRow>>(db, `${detailsSelect} WHERE b.id = $1`, [id]);
  if (!row) return null;
  const { cursorAt: _cursorAt, ...details } = row;
  return toDetails(details);
}

/** A filtered, keyset-paginated page of bookings, newest first (`limit + 1` rows). */
export function bookingListQuery(filter: BookingFilter): SqlQuery {
  const where: string[] = [];
  const { values, param } = sqlParams();
  if (filter.ownerId !== undefined) where.push(`b.user_id = ${param(filter.ownerId)}`);
  if (filter.userId !== undefined) where.push(`b.user_id = ${param(filter.userId)}`);
  if (filter.status !== undefined) where.push(`b.status = ${param(filter.status)}`);
  if (filter.roomId !== undefined) where.push(`b.room_id = ${param(filter.roomId)}`);
  if (filter.from !== undefined) where.push(`b.check_out > ${param(filter.from)}::date`);
  if (filter.to !== undefined) where.push(`b.check_in < ${param(filter.to)}::date`);
  const after = newestBookingsFirst.after(filter.cursor, param);
  if (after) where.push(after);
  return {
    text: `${detailsSelect} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${newestBookingsFirst.orderBy} LIMIT ${param(filter.limit + 1)}`,
    values,
  };
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

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(filter: BookingFilter): Promise<Page<BookingDetails>> {
    const { text, values } = bookingListQuery(filter);
    const rows = await queryRows<WithCursorAt<DetailsRow>>(this.dataSource, text, values);
    return mapPage(newestBookingsFirst.toPage(rows, filter.limit), toDetails);
  }
}

export class BookingTx {
  constructor(private readonly manager: SqlRunner) {}

  /** The Idempotency-Keys of this transaction. */
  idempotencyKeys(ttlHours: number): IdempotencyKeyStore {
    return new IdempotencyKeyStore(this.manager, ttlHours);
  }

  // ---- Rooms -----------------------------------------------------------------------------

  /**
   * The room to book, locked FOR KEY SHARE: waits for a concurrent delete (FOR UPDATE) and
   * then sees it as gone, but never blocks other bookings or check-in/out status updates.
   */
  roomForBooking(roomId: string): Promise<RoomRecord | null> {
    return queryOne(
      this.manager,
      `SELECT ${roomColumns('r')} FROM hotel.rooms r WHERE r.id = $1 AND r.deleted_at IS NULL FOR KEY SHARE`,
      [roomId],
    );
  }

  /** The booking's room, locked for a status change (check-in/out). */
  lockRoom(roomId: string): Promise<RoomRecord | null> {
    return queryOne(
      this.manager,
      `SELECT ${roomColumns('r')} FROM hotel.rooms r WHERE r.id = $1 FOR NO KEY UPDATE`,
      [roomId],
    );
  }

  async setRoomStatus(roomId: string, status: RoomStatus): Promise<void> {
    await this.manager.query('UPDATE hotel.rooms SET status = $2, updated_at = now() WHERE id = $1', [
      roomId,
      status,
    ]);
  }

  // ---- Bookings --------------------------------------------------------------------------

  /**
   * Inserts a pending booking at the room's current price; the total (price × nights) is
   * computed by PostgreSQL in numeric. An overlap with an active booking of the room
   * violates `bookings_no_overlap` → OverlappingBookingError.
   */
  async insertBooking(booking: NewBooking): Promise<void> {
    try {
      await this.manager.query(
        `INSERT INTO hotel.bookings
           (id, user_id, room_id, check_in, check_out, guests, status, price_per_night, total_price, notes, created_by)
         SELECT $1, $2, r.id, $4::date, $5::date, $6, 'pending', r.price_per_night,
                r.price_per_night * ($5::date - $4::date), $7, $8
         FROM hotel.rooms r WHERE r.id = $3`,
        [
          booking.id,
          booking.userId,
          booking.roomId,
          booking.checkIn,
          booking.checkOut,
          booking.guests,
          booking.notes,
          booking.createdBy,
        ],
      );
    } catch (err) {
      if (isExclusionViolation(err, 'bookings_no_overlap')) throw new OverlappingBookingError();
      throw err;
    }
  }

  /** SELECT ... FOR UPDATE: concurrent transitions of one booking run one after the other. */
  lockBooking(id: string): Promise<BookingRecord | null> {
    return queryOne(
      this.manager,
      `SELECT ${bookingColumns} FROM hotel.bookings b WHERE b.id = $1 FOR UPDATE`,
      [id],
    );
  }

  async setStatus(id: string, status: BookingStatus): Promise<void> {
    await this.manager.query(
      `UPDATE hotel.bookings SET status = $2, updated_at = now(),
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

  async insertNotification(
    userId: string,
    bookingId: string,
    type: NotificationType,
    message: string,
  ): Promise<void> {
    await this.manager.query(
      'INSERT INTO hotel.notifications (user_id, booking_id, type, message) VALUES ($1, $2, $3, $4)',
      [userId, bookingId, type, message],
    );
  }

  findDetails(id: string): Promise<BookingDetails | null> {
    return findDetails(this.manager, id);
  }
}
