import {
  isUniqueViolation,
  mapPage,
  queryOne,
  queryPage,
  queryRows,
  sortOrders,
  sqlParams,
  statementOne,
  type ListFilter,
  type Page,
  type PageQuery,
  type SortKey,
  type SqlQuery,
  type SqlRunner,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import { activeStatuses, type Housekeeping, type RoomRecord, type RoomStatus } from './records';

export class DuplicateRoomNumberError extends Error {}

export const roomColumns = (alias: string) => `
  ${alias}.id, ${alias}.number, ${alias}.type, ${alias}.capacity,
  ${alias}.price_per_night::text AS "pricePerNight", ${alias}.status, ${alias}.housekeeping,
  ${alias}.created_at AS "createdAt", ${alias}.updated_at AS "updatedAt", ${alias}.deleted_at AS "deletedAt"`;

/** Rooms sort by one field, then by number (the C collation of their indexes), then id. */
const byNumber: SortKey = { sql: 'r.number COLLATE "C"', kind: 'text' };
const byPrice: SortKey = { sql: 'r.price_per_night', kind: 'numeric' };
const byCapacity: SortKey = { sql: 'r.capacity', kind: 'integer' };
const roomOrders = sortOrders('r.id', {
  number: [byNumber],
  price_per_night: [byPrice, byNumber],
  capacity: [byCapacity, byNumber],
});
/** A stay's total price orders as the price per night: the nights are the same for every room. */
const availabilityOrders = sortOrders('r.id', {
  total_price: [byPrice, byNumber],
  number: [byNumber],
  capacity: [byCapacity, byNumber],
});
export type RoomSortField = 'number' | 'price_per_night' | 'capacity';
export type AvailabilitySortField = 'total_price' | 'number' | 'capacity';

export interface RoomFilter extends ListFilter<RoomSortField> {
  type?: string;
  status?: RoomStatus;
  housekeeping?: Housekeeping;
  minCapacity?: number;
}

export interface AvailabilitySearch extends ListFilter<AvailabilitySortField> {
  checkIn: string;
  checkOut: string;
  nights: number;
  guests?: number;
  type?: string;
}

export interface AvailableRoom {
  room: RoomRecord;
  nights: number;
  totalPrice: string;
}

export type NewRoom = Pick<RoomRecord, 'number' | 'type' | 'capacity' | 'pricePerNight' | 'status'>;
export type RoomChanges = Partial<NewRoom>;

const activeList = activeStatuses.map((s) => `'${s}'`).join(', ');

function translate(err: unknown): never {
  if (isUniqueViolation(err, 'rooms_number_key')) throw new DuplicateRoomNumberError();
  throw err;
}

/** SELECT of one live room by id. */
export function roomByIdQuery(id: string): SqlQuery {
  return {
    name: 'room_by_id',
    text: `SELECT ${roomColumns('r')} FROM hotel.rooms r WHERE r.id = $1 AND r.deleted_at IS NULL`,
    values: [id],
  };
}

/**
 * Rooms not in maintenance with no booking in an active state overlapping [checkIn, checkOut),
 * with the price of the stay computed in SQL as numeric; `limit + 1` rows to detect a next
 * page. Its cost follows the page and the rooms free for the stay, not the inventory:
 *
 * 1. The rooms are walked in the sort's index and each is probed, until the page is full or a
 *    budget of √((limit + 1) × rooms) rooms is walked (the hotel's size from its statistics).
 *    The probe reads one index entry per room: the room's active booking that starts last
 *    before checkOut overlaps the stay exactly when any active booking does, because a room's
 *    active bookings never overlap each other (bookings_no_overlap): an earlier one that
 *    reached past checkIn would overlap that last one. When many rooms are free (most stays),
 *    the page fills after a few probes.
 * 2. If the page is not full and rooms are left unwalked (a busy stay: few rooms free), the
 *    free rooms are read from the SP-GiST index of vacancies instead (room_vacancies: a room
 *    is free when one of its vacancies contains the stay) and sorted: the cost of the free
 *    rooms, where walking on would probe every room of the hotel to prove no more are free.
 *
 * The budget balances the two: a walk of B rooms finds about B × free / rooms free ones, so a
 * walk that fails its budget means fewer than about √((limit + 1) × rooms) free rooms to read.
 * Both answers are exact; one statement (one snapshot) holds both, the second gated by the
 * first. Exported so the benchmark's bare baseline server runs exactly this SQL.
 */
export function availabilityQuery(search: AvailabilitySearch): PageQuery {
  const { values, param } = sqlParams([search.checkIn, search.checkOut, search.nights]);
  const where = ['r.deleted_at IS NULL', `r.status <> 'maintenance'`];
  if (search.guests !== undefined) where.push(`r.capacity >= ${param(search.guests)}`);
  if (search.type !== undefined) where.push(`r.type = ${param(search.type)}`);
  const pageRows = `${param(search.limit + 1)}::int`;
  const free = `NOT EXISTS (
    SELECT 1 FROM (
      SELECT b.check_out FROM hotel.bookings b
      WHERE b.room_id = r.id AND b.status IN (${activeList}) AND b.check_in < $2::date
      ORDER BY b.check_in DESC LIMIT 1) latest
    WHERE latest.check_out > $1::date)`;
  return availabilityOrders.pageQuery(search, { values, param }, (page) => {
    const stay = `${roomColumns('r')}, (r.price_per_night * $3::integer)::numeric(12, 2)::text AS "totalPrice",
      ${page.cursorColumn}`;
    const walkBudget = '(SELECT rooms FROM walk_budget)';
    return `WITH walk_budget AS (
        SELECT greatest(${pageRows}, ceil(sqrt(${pageRows} * greatest(c.reltuples, 0)))::int) AS rooms
        FROM pg_class c WHERE c.oid = 'hotel.rooms'::regclass),
      walked AS MATERIALIZED (
        SELECT ${stay}
        FROM (SELECT * FROM hotel.rooms r ${page.where(where)} ${page.orderBy} LIMIT ${walkBudget}) r
        WHERE ${free} ${page.orderByLimit}),
      walk_answers AS (
        SELECT (SELECT count(*) FROM walked) = ${pageRows}
          OR NOT EXISTS (SELECT 1 FROM hotel.rooms r ${page.where(where)} OFFSET ${walkBudget}) AS yes)
      SELECT * FROM walked WHERE (SELECT yes FROM walk_answers)
      UNION ALL
      (SELECT ${stay} FROM hotel.rooms r
       ${page.where([
         ...where,
         'NOT (SELECT yes FROM walk_answers)',
         'r.id = ANY (ARRAY(SELECT v.room_id FROM hotel.room_vacancies v WHERE v.free @> daterange($1::date, $2::date)))',
       ])}
       ${page.orderByLimit})`;
  });
}

/** A page of rooms (`limit + 1` rows). Exported for the benchmark's bare server. */
export function roomListQuery(filter: RoomFilter): PageQuery {
  const where = ['r.deleted_at IS NULL'];
  const { values, param } = sqlParams();
  if (filter.type !== undefined) where.push(`r.type = ${param(filter.type)}`);
  if (filter.status !== undefined) where.push(`r.status = ${param(filter.status)}`);
  if (filter.housekeeping !== undefined) where.push(`r.housekeeping = ${param(filter.housekeeping)}`);
  if (filter.minCapacity !== undefined) where.push(`r.capacity >= ${param(filter.minCapacity)}`);
  return roomOrders.pageQuery(
    filter,
    { values, param },
    (page) =>
      `SELECT ${roomColumns('r')}, ${page.cursorColumn} FROM hotel.rooms r ${page.where(where)} ${page.orderByLimit}`,
  );
}

export class RoomRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: RoomTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new RoomTx(manager)));
  }

  findById(id: string): Promise<RoomRecord | null> {
    return statementOne(this.dataSource, roomByIdQuery(id));
  }

  async insert(room: NewRoom): Promise<RoomRecord> {
    try {
      const inserted = await queryOne<RoomRecord>(
        this.dataSource,
        `INSERT INTO hotel.rooms AS r (number, type, capacity, price_per_night, status)
         VALUES ($1, $2, $3, $4::numeric, $5) RETURNING ${roomColumns('r')}`,
        [room.number, room.type, room.capacity, room.pricePerNight, room.status],
      );
      return inserted!;
    } catch (err) {
      return translate(err);
    }
  }

  /** Rooms in the filter's sort, keyset-paginated. */
  list(filter: RoomFilter): Promise<Page<RoomRecord>> {
    return queryPage(this.dataSource, roomListQuery(filter));
  }

  /** Rooms free for the whole stay, in the search's sort (see availabilityQuery). */
  async available(search: AvailabilitySearch): Promise<Page<AvailableRoom>> {
    const page = await queryPage<RoomRecord & { totalPrice: string }>(
      this.dataSource,
      availabilityQuery(search),
    );
    return mapPage(page, ({ totalPrice, ...room }) => ({ room, nights: search.nights, totalPrice }));
  }

  /** Inserts the rooms only when there is none yet (one transaction, table-locked: safe at every start). */
  seedIfEmpty(rooms: NewRoom[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE hotel.rooms IN SHARE ROW EXCLUSIVE MODE');
      const row = await queryOne<{ n: number }>(manager, 'SELECT count(*)::int AS n FROM hotel.rooms');
      if ((row?.n ?? 0) > 0) return 0;
      for (const room of rooms) {
        await manager.query(
          `INSERT INTO hotel.rooms (number, type, capacity, price_per_night, status) VALUES ($1, $2, $3, $4::numeric, $5)`,
          [room.number, room.type, room.capacity, room.pricePerNight, room.status],
        );
      }
      return rooms.length;
    });
  }
}

export class RoomTx {
  constructor(private readonly manager: SqlRunner) {}

  /**
   * Locks a room that exists. `FOR UPDATE` (delete) waits for bookings being inserted (they
   * hold FOR KEY SHARE); `FOR NO KEY UPDATE` (edit) does not block them.
   */
  lock(id: string, mode: 'update' | 'no key update'): Promise<RoomRecord | null> {
    return queryOne(
      this.manager,
      `SELECT ${roomColumns('r')} FROM hotel.rooms r WHERE r.id = $1 AND r.deleted_at IS NULL FOR ${mode.toUpperCase()}`,
      [id],
    );
  }

  async update(id: string, changes: RoomChanges & { housekeeping?: Housekeeping }): Promise<RoomRecord> {
    const sets: string[] = [];
    const { values, param } = sqlParams([id]);
    const set = (column: string, value: unknown, cast = '') =>
      sets.push(`${column} = ${param(value)}${cast}`);
    if (changes.number !== undefined) set('number', changes.number);
    if (changes.type !== undefined) set('type', changes.type);
    if (changes.capacity !== undefined) set('capacity', changes.capacity);
    if (changes.pricePerNight !== undefined) set('price_per_night', changes.pricePerNight, '::numeric');
    if (changes.status !== undefined) set('status', changes.status);
    if (changes.housekeeping !== undefined) set('housekeeping', changes.housekeeping);
    try {
      const updated = await queryOne<RoomRecord>(
        this.manager,
        `UPDATE hotel.rooms AS r SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE r.id = $1 RETURNING ${roomColumns('r')}`,
        values,
      );
      return updated!;
    } catch (err) {
      return translate(err);
    }
  }

  /**
   * Whether the room has a booking that still holds it: checked in, or pending/confirmed
   * with a stay that has not ended by `today`.
   */
  async hasActiveBookings(roomId: string, today: string): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `SELECT 1 FROM hotel.bookings
       WHERE room_id = $1 AND (status = 'checked_in' OR (status IN ('pending', 'confirmed') AND check_out > $2::date))
       LIMIT 1`,
      [roomId, today],
    );
    return rows.length > 0;
  }

  /** Soft delete: the bookings (history) keep their room; the number becomes free. */
  async softDelete(id: string): Promise<void> {
    await this.manager.query('UPDATE hotel.rooms SET deleted_at = now(), updated_at = now() WHERE id = $1', [
      id,
    ]);
  }
}
