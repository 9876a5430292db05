import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  idempotent,
  isStaff,
  mapPage,
  NotFoundError,
  requireRole,
  ValidationError,
  type Idempotent,
  type Page,
  type Principal,
} from '@myhotel/common';
import {
  OverlappingBookingError,
  type BookingDetails,
  type BookingRepository,
  type BookingTx,
  type NewBooking,
} from '../data/booking-repository';
import type { BookingStatus, NotificationType, RoomRecord } from '../data/records';
import { decideTransition, type BookingAction } from './booking-state';
import { validateStay } from './dates';
import { toBookingView, type BookingView } from './views';

export interface BookingInput {
  room_id: string;
  check_in: string;
  check_out: string;
  guests: number;
  user_id?: string;
  notes?: string;
}

export interface BookingListQuery {
  status?: BookingStatus;
  room_id?: string;
  user_id?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface BookingSettings {
  idempotencyKeyTtlHours: number;
}

const bookingNotFound = () => new NotFoundError('Booking not found');

const events: Record<BookingAction | 'create', NotificationType> = {
  create: 'booking_created',
  confirm: 'booking_confirmed',
  cancel: 'booking_cancelled',
  check_in: 'booking_checked_in',
  check_out: 'booking_checked_out',
  no_show: 'booking_no_show',
};

function message(event: BookingAction | 'create', b: BookingDetails): string {
  const stay = `room ${b.roomNumber}, ${b.checkIn} → ${b.checkOut}`;
  switch (event) {
    case 'create':
      return `Your booking for ${stay} (${b.nights} night${b.nights === 1 ? '' : 's'}, ${b.totalPrice}) was received and awaits confirmation.`;
    case 'confirm':
      return `Your booking for ${stay} is confirmed.`;
    case 'cancel':
      return `Your booking for ${stay} was cancelled.`;
    case 'check_in':
      return `Welcome! You are checked in to room ${b.roomNumber} until ${b.checkOut}.`;
    case 'check_out':
      return `You have checked out of room ${b.roomNumber}. Thank you for staying with us.`;
    case 'no_show':
      return `Your booking for ${stay} was marked as a no-show.`;
  }
}

/**
 * Booking use cases. Every change runs in one transaction together with its notification
 * (and, for creation, the Idempotency-Key record), so a failed request leaves nothing behind.
 */
export class BookingService {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly settings: BookingSettings,
    private readonly today: () => string,
  ) {}

  /**
   * A guest books a room for themself (staff and admins for anyone): the stay must be valid,
   * the room exist, sleep the guests and not be under maintenance; the database refuses an
   * overlap with a booking that holds the room. With an Idempotency-Key, a repeated request
   * gets the first booking back instead of a second one.
   */
  async create(
    principal: Principal,
    input: BookingInput,
    idempotencyKey?: string,
  ): Promise<Idempotent<BookingView>> {
    const userId = input.user_id ?? principal.userId;
    if (userId !== principal.userId && !isStaff(principal)) {
      throw new ForbiddenError('Only staff and admins can book for another user');
    }
    validateStay(input.check_in, input.check_out, isStaff(principal) ? {} : { notBefore: this.today() });
    const key = idempotencyKey === undefined ? undefined : { owner: principal.userId, key: idempotencyKey };
    return this.bookings.transaction((tx) =>
      idempotent(tx.idempotencyKeys(this.settings.idempotencyKeyTtlHours), key, input, async () => {
        const room = await this.bookableRoom(tx, input);
        const id = randomUUID();
        await this.insertPending(tx, room, {
          id,
          userId,
          roomId: room.id,
          checkIn: input.check_in,
          checkOut: input.check_out,
          guests: input.guests,
          notes: input.notes ?? null,
          createdBy: principal.userId,
        });
        return this.notify(tx, 'create', id);
      }),
    );
  }

  /** Guests see their own bookings only; staff and admins see all. */
  async list(principal: Principal, query: BookingListQuery): Promise<Page<BookingView>> {
    if (query.from !== undefined && query.to !== undefined && query.to <= query.from) {
      throw new ValidationError('to must be after from', [{ path: 'to', message: 'must be after from' }]);
    }
    const page = await this.bookings.list({
      ownerId: isStaff(principal) ? undefined : principal.userId,
      userId: query.user_id,
      status: query.status,
      roomId: query.room_id,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toBookingView);
  }

  async get(principal: Principal, id: string): Promise<BookingView> {
    const booking = await this.bookings.findDetails(id);
    if (!booking || !this.visible(principal, booking.userId)) throw bookingNotFound();
    return toBookingView(booking);
  }

  /**
   * One life-cycle step. The booking row is locked (SELECT … FOR UPDATE), so concurrent
   * transitions of one booking run one after the other and the loser sees the new state.
   * Check-in/out also lock the room and set its status in the same transaction.
   */
  async transition(principal: Principal, id: string, action: BookingAction): Promise<BookingView> {
    // Front-desk actions: the role is checked before the booking is looked up.
    if (action !== 'cancel') requireRole(principal, 'staff', 'admin');
    return this.bookings.transaction(async (tx) => {
      const booking = await tx.lockBooking(id);
      if (!booking || !this.visible(principal, booking.userId)) throw bookingNotFound();
      const next = decideTransition({
        action,
        status: booking.status,
        checkIn: booking.checkIn,
        checkOut: booking.checkOut,
        today: this.today(),
        byStaff: isStaff(principal),
      });
      if (action === 'check_in' || action === 'check_out') {
        const room = await tx.lockRoom(booking.roomId);
        if (!room) throw bookingNotFound();
        if (action === 'check_in' && room.status !== 'available') {
          throw new ConflictError(
            room.status === 'occupied'
              ? `Room ${room.number} is still occupied`
              : `Room ${room.number} is under maintenance`,
            { current_status: booking.status },
          );
        }
        await tx.setStatus(id, next);
        await tx.recordCheck(action === 'check_in' ? 'in' : 'out', id, principal.userId);
        if (action === 'check_in') await tx.setRoomStatus(room.id, 'occupied');
        else if (room.status === 'occupied') await tx.setRoomStatus(room.id, 'available');
      } else {
        await tx.setStatus(id, next);
      }
      return this.notify(tx, action, id);
    });
  }

  /** The room to book, locked against deletion; it must exist, sleep the guests and be in service. */
  private async bookableRoom(tx: BookingTx, input: BookingInput): Promise<RoomRecord> {
    const room = await tx.roomForBooking(input.room_id);
    if (!room) throw new NotFoundError('Room not found');
    if (input.guests > room.capacity) {
      throw new ValidationError(`Room ${room.number} sleeps at most ${room.capacity}`, [
        { path: 'guests', message: `must be at most ${room.capacity} for this room` },
      ]);
    }
    if (room.status === 'maintenance') throw new ConflictError(`Room ${room.number} is under maintenance`);
    return room;
  }

  private async insertPending(tx: BookingTx, room: RoomRecord, booking: NewBooking): Promise<void> {
    try {
      await tx.insertBooking(booking);
    } catch (err) {
      if (err instanceof OverlappingBookingError) {
        throw new ConflictError(
          `Room ${room.number} is already booked for part of ${booking.checkIn} → ${booking.checkOut}`,
        );
      }
      throw err;
    }
  }

  private visible(principal: Principal, ownerId: string): boolean {
    return isStaff(principal) || principal.userId === ownerId;
  }

  /** Writes the event's notification for the booking's user; returns the booking as it is now. */
  private async notify(tx: BookingTx, event: BookingAction | 'create', id: string): Promise<BookingView> {
    const details = await tx.findDetails(id);
    if (!details) throw bookingNotFound();
    await tx.insertNotification(details.userId, id, events[event], message(event, details));
    return toBookingView(details);
  }
}
