import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  idempotent,
  isStaff,
  mapPage,
  NotFoundError,
  requireIfMatch,
  requireRole,
  UnprocessableError,
  ValidationError,
  type Idempotent,
  type IfMatch,
  type ListQuery,
  type Page,
  type Principal,
  type Versioned,
} from '@myhotel/common';
import type { EventSortField } from '../data/booking-events';
import {
  OverlappingBookingError,
  type BookingChange,
  type BookingDetails,
  type BookingRepository,
  type BookingSortField,
  type BookingTx,
  type NewBooking,
} from '../data/booking-repository';
import type {
  BookingEventAction,
  BookingRecord,
  BookingStatus,
  FieldChanges,
  GuestRecord,
  RoomRecord,
} from '../data/records';
import { changedFields, createdFields, decideChange, type ChangeRequest } from './booking-change';
import { notice } from './booking-notices';
import { decideTransition, type BookingAction } from './booking-state';
import { validateStay } from './dates';
import { accountProfile } from './guests';
import { newBookingReference, referenceIn } from './references';
import {
  toBookingEventView,
  toBookingView,
  versionedBooking,
  type BookingEventView,
  type BookingView,
} from './views';

export interface BookingInput {
  room_id: string;
  check_in: string;
  check_out: string;
  guests: number;
  guest_id?: string;
  user_id?: string;
  notes?: string;
}

export interface BookingListQuery extends ListQuery<BookingSortField> {
  status?: BookingStatus;
  room_id?: string;
  user_id?: string;
  guest_id?: string;
  q?: string;
  updated_since?: string;
  from?: string;
  to?: string;
}

export interface TransitionOptions {
  ifMatch?: IfMatch;
  /** Check-in: into a room whose housekeeping is not clean or inspected (recorded). */
  override?: boolean;
}

export interface BookingSettings {
  idempotencyKeyTtlHours: number;
}

const bookingNotFound = () => new NotFoundError('Booking not found');

/** The audit trail's name of each life-cycle action. */
const performed: Record<BookingAction, BookingEventAction> = {
  confirm: 'confirmed',
  cancel: 'cancelled',
  check_in: 'checked_in',
  check_out: 'checked_out',
  no_show: 'no_show',
};

/** A booking is created with version 1: the version of the first answer (also when replayed). */
const firstVersion = 1;

/** Draws of a reference before giving up (a collision is one in hundreds of thousands). */
const referenceDraws = 5;

/**
 * Booking use cases. Every change runs in one transaction together with its audit event and
 * its notification (and, for creation, the Idempotency-Key record), so a failed request
 * leaves nothing behind.
 */
export class BookingService {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly settings: BookingSettings,
    private readonly today: () => string,
    private readonly newReference: () => string = newBookingReference,
  ) {}

  /**
   * A guest books a room for themself, staff and admins for any guest profile: the stay must
   * be valid, the room exist, sleep the guests and not be under maintenance; the database
   * refuses an overlap with a booking that holds the room. With an Idempotency-Key, a
   * repeated request gets the first booking back instead of a second one.
   */
  async create(
    principal: Principal,
    input: BookingInput,
    idempotencyKey?: string,
  ): Promise<Idempotent<Versioned<BookingView>>> {
    validateStay(input.check_in, input.check_out, isStaff(principal) ? {} : { notBefore: this.today() });
    const key = idempotencyKey === undefined ? undefined : { owner: principal.userId, key: idempotencyKey };
    const { result, replayed } = await this.bookings.transaction((tx) =>
      idempotent(tx.idempotencyKeys(this.settings.idempotencyKeyTtlHours), key, input, async () => {
        const guest = await this.guestToBook(tx, principal, input);
        const room = await this.bookableRoom(tx, input.room_id, input.guests);
        const id = randomUUID();
        await this.insertPending(tx, room, {
          id,
          guestId: guest.id,
          userId: guest.userId,
          roomId: room.id,
          checkIn: input.check_in,
          checkOut: input.check_out,
          guests: input.guests,
          notes: input.notes ?? null,
          createdBy: principal.userId,
        });
        return toBookingView(await this.record(tx, principal, id, 'created', null, createdFields));
      }),
    );
    return { result: { value: result, version: firstVersion }, replayed };
  }

  /** Guests see their own bookings only; staff and admins see all. */
  async list(principal: Principal, query: BookingListQuery): Promise<Page<BookingView>> {
    if (query.from !== undefined && query.to !== undefined && query.to <= query.from) {
      throw new ValidationError('to must be after from', [{ path: 'to', message: 'must be after from' }]);
    }
    const page = await this.bookings.list({
      ownerId: isStaff(principal) ? undefined : principal.userId,
      userId: query.user_id,
      guestId: query.guest_id,
      status: query.status,
      roomId: query.room_id,
      from: query.from,
      to: query.to,
      updatedSince: query.updated_since,
      search: query.q === undefined ? undefined : { reference: referenceIn(query.q), prefix: query.q.trim() },
      sort: query.sort ?? '-created_at',
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toBookingView);
  }

  async get(principal: Principal, id: string): Promise<Versioned<BookingView>> {
    const booking = await this.bookings.findDetails(id);
    if (!booking || !visible(principal, booking)) throw bookingNotFound();
    return versionedBooking(booking);
  }

  /**
   * Changes the stay (dates, room, guests) of a pending or confirmed booking, or the
   * check-out of a checked-in one (staff), re-priced from the room's current price. The
   * booking row is locked and its version checked against `If-Match` in the transaction, so
   * of two changes sent with the same ETag exactly one wins; the exclusion constraint decides
   * an overlap with another booking (409 with the conflicting dates).
   */
  async change(
    principal: Principal,
    id: string,
    request: ChangeRequest,
    ifMatch: IfMatch,
  ): Promise<Versioned<BookingView>> {
    return this.bookings.transaction(async (tx) => {
      const booking = await this.lockVisible(tx, principal, id, ifMatch);
      const stay = decideChange({ booking, request, byStaff: isStaff(principal), today: this.today() });
      const room = await this.bookableRoom(tx, stay.roomId, stay.guests);
      await this.applyChange(tx, room, id, stay);
      return versionedBooking(
        await this.record(tx, principal, id, 'changed', booking.status, (after) =>
          changedFields(booking, after),
        ),
      );
    });
  }

  /**
   * One life-cycle step. The booking row is locked (SELECT … FOR UPDATE), so concurrent
   * steps of one booking run one after the other and the loser sees the new state.
   * Check-in/out also lock the room and set its status (and, at check-out, its housekeeping
   * to dirty) in the same transaction; checking in to a room that is not clean or inspected
   * needs the front desk's override, which the audit trail records.
   */
  async transition(
    principal: Principal,
    id: string,
    action: BookingAction,
    { ifMatch, override = false }: TransitionOptions = {},
  ): Promise<Versioned<BookingView>> {
    // Front-desk actions: the role is checked before the booking is looked up.
    if (action !== 'cancel') requireRole(principal, 'staff', 'admin');
    return this.bookings.transaction(async (tx) => {
      const booking = await this.lockVisible(tx, principal, id, ifMatch);
      const next = decideTransition({
        action,
        status: booking.status,
        checkIn: booking.checkIn,
        checkOut: booking.checkOut,
        today: this.today(),
        byStaff: isStaff(principal),
      });
      let overrode = false;
      if (action === 'check_in') overrode = await this.occupyRoom(tx, booking, override);
      if (action === 'check_out') await this.vacateRoom(tx, booking);
      if (action === 'check_in' || action === 'check_out') {
        await tx.recordCheck(action === 'check_in' ? 'in' : 'out', id, principal.userId);
      }
      await tx.setStatus(id, next);
      return versionedBooking(
        await this.record(tx, principal, id, performed[action], booking.status, () => ({}), overrode),
      );
    });
  }

  /** The audit trail of a booking its caller may see (staff, admins, the owner). */
  async events(
    principal: Principal,
    id: string,
    query: ListQuery<EventSortField>,
  ): Promise<Page<BookingEventView>> {
    const booking = await this.bookings.findDetails(id);
    if (!booking || !visible(principal, booking)) throw bookingNotFound();
    const page = await this.bookings.events.list({
      bookingId: id,
      sort: query.sort ?? 'at',
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toBookingEventView);
  }

  /**
   * Whom a booking is for. Without `guest_id`/`user_id`, the caller's own profile (made from
   * the token on first use). A guest may name only themself (else 403, before any lookup);
   * staff name any profile (404 if none), or an account's (422 if it has none yet).
   */
  private async guestToBook(tx: BookingTx, principal: Principal, input: BookingInput): Promise<GuestRecord> {
    const forOther = input.user_id !== undefined && input.user_id !== principal.userId;
    if (!isStaff(principal)) {
      if (forOther) throw new ForbiddenError('Only staff and admins can book for someone else');
      const own = await tx.guests.ofAccount(accountProfile(principal));
      if (input.guest_id !== undefined && input.guest_id !== own.id) {
        throw new ForbiddenError('Only staff and admins can book for someone else');
      }
      return own;
    }
    if (input.guest_id !== undefined) {
      const guest = await tx.guests.findById(input.guest_id);
      if (!guest) throw new NotFoundError('Guest profile not found');
      return guest;
    }
    if (!forOther) return tx.guests.ofAccount(accountProfile(principal));
    const guest = await tx.guests.findByUserId(input.user_id!);
    if (!guest) {
      throw new UnprocessableError(
        'This account has no guest profile yet: create or link one first (POST /api/guests with its user_id)',
      );
    }
    return guest;
  }

  /** The room to book, locked against deletion; it must exist, sleep the guests and be in service. */
  private async bookableRoom(tx: BookingTx, roomId: string, guests: number): Promise<RoomRecord> {
    const room = await tx.roomForBooking(roomId);
    if (!room) throw new NotFoundError('Room not found');
    if (guests > room.capacity) {
      throw new ValidationError(`Room ${room.number} sleeps at most ${room.capacity}`, [
        { path: 'guests', message: `must be at most ${room.capacity} for this room` },
      ]);
    }
    if (room.status === 'maintenance') throw new ConflictError(`Room ${room.number} is under maintenance`);
    return room;
  }

  /** Inserts the booking under a fresh reference (drawn again on a collision). */
  private async insertPending(
    tx: BookingTx,
    room: RoomRecord,
    booking: Omit<NewBooking, 'reference'>,
  ): Promise<void> {
    for (let draw = 0; draw < referenceDraws; draw++) {
      try {
        if (await tx.insertBooking({ ...booking, reference: this.newReference() })) return;
      } catch (err) {
        throw overlapConflict(err, room, booking);
      }
    }
    throw new Error(`no free booking reference after ${referenceDraws} draws`);
  }

  private async applyChange(tx: BookingTx, room: RoomRecord, id: string, stay: BookingChange): Promise<void> {
    try {
      await tx.changeBooking(id, stay);
    } catch (err) {
      throw overlapConflict(err, room, stay);
    }
  }

  /** Check-in: the room must be free and in service, and clean or inspected unless overridden. */
  private async occupyRoom(tx: BookingTx, booking: BookingRecord, override: boolean): Promise<boolean> {
    const room = await tx.lockRoom(booking.roomId);
    if (!room) throw bookingNotFound();
    if (room.status !== 'available') {
      throw new ConflictError(
        room.status === 'occupied'
          ? `Room ${room.number} is still occupied`
          : `Room ${room.number} is under maintenance`,
        { current_status: booking.status },
      );
    }
    const ready = room.housekeeping === 'clean' || room.housekeeping === 'inspected';
    if (!ready && !override) {
      throw new ConflictError(
        `Room ${room.number} is ${room.housekeeping}; have it cleaned, or check in with "override": true`,
        { current_status: booking.status, housekeeping: room.housekeeping },
      );
    }
    await tx.setRoomState(room.id, { status: 'occupied' });
    return !ready;
  }

  /** Check-out: the room is free again, and dirty until housekeeping says otherwise. */
  private async vacateRoom(tx: BookingTx, booking: BookingRecord): Promise<void> {
    const room = await tx.lockRoom(booking.roomId);
    if (!room) throw bookingNotFound();
    await tx.setRoomState(room.id, {
      status: room.status === 'occupied' ? 'available' : undefined,
      housekeeping: 'dirty',
    });
  }

  /** The visible booking, locked, at the version `If-Match` names (404, else 412). */
  private async lockVisible(
    tx: BookingTx,
    principal: Principal,
    id: string,
    ifMatch: IfMatch,
  ): Promise<BookingRecord> {
    const booking = await tx.lockBooking(id);
    if (!booking || !visible(principal, booking)) throw bookingNotFound();
    requireIfMatch(ifMatch, booking.version);
    return booking;
  }

  /**
   * Writes what happened to the booking, in one statement: its audit event (with who did it
   * and the booking as the API now shows it, the webhooks' payload), the owner's notification
   * and the webhook deliveries; returns the booking as it is now.
   */
  private async record(
    tx: BookingTx,
    principal: Principal,
    id: string,
    action: BookingEventAction,
    fromStatus: BookingStatus | null,
    changes: (booking: BookingDetails) => FieldChanges,
    override = false,
  ): Promise<BookingDetails> {
    const booking = await tx.findDetails(id);
    if (!booking) throw bookingNotFound();
    await tx.events.insert(
      {
        bookingId: id,
        actorUserId: principal.userId,
        action,
        fromStatus,
        toStatus: booking.status,
        changes: changes(booking),
        override,
        booking: toBookingView(booking),
      },
      booking.userId === null ? undefined : { userId: booking.userId, ...notice(action, booking) },
    );
    return booking;
  }
}

const visible = (principal: Principal, booking: Pick<BookingRecord, 'userId'>): boolean =>
  isStaff(principal) || principal.userId === booking.userId;

/** An overlap as the API tells it: 409 with the conflicting stay's dates (never its id or guest). */
function overlapConflict(
  err: unknown,
  room: RoomRecord,
  stay: Pick<BookingChange, 'checkIn' | 'checkOut'>,
): unknown {
  if (!(err instanceof OverlappingBookingError)) return err;
  return new ConflictError(
    `Room ${room.number} is already booked for part of ${stay.checkIn} → ${stay.checkOut}`,
    err.conflict ? { conflict: { check_in: err.conflict.checkIn, check_out: err.conflict.checkOut } } : {},
  );
}
