import { ConflictError, ForbiddenError, UnprocessableError, ValidationError } from '@myhotel/common';
import type { BookingChange } from '../data/booking-repository';
import type { BookingRecord, BookingStatus, FieldChanges } from '../data/records';
import { validateStay } from './dates';

/** A PATCH of a booking: the fields to change; anything left out stays as it is. */
export interface ChangeRequest {
  check_in?: string;
  check_out?: string;
  room_id?: string;
  guests?: number;
}

export interface ChangeInput {
  booking: Pick<BookingRecord, 'status' | 'roomId' | 'checkIn' | 'checkOut' | 'guests'>;
  request: ChangeRequest;
  /** Staff or admin acting (guests change only their own, before check-in). */
  byStaff: boolean;
  /** The current UTC date. */
  today: string;
}

const fields = [
  ['check_in', 'checkIn'],
  ['check_out', 'checkOut'],
  ['room_id', 'roomId'],
  ['guests', 'guests'],
] as const;

const conflict = (status: BookingStatus, detail: string) =>
  new ConflictError(detail, { current_status: status });

/**
 * Decides a booking change (pure): the booking's new stay, or a 4xx.
 * - `pending` / `confirmed`: dates, room and guests, with the rules of creating (a guest's
 *   check-in not in the past; staff may book past dates);
 * - `checked_in`: staff only (guests 403), and only `check_out` — after check-in, not before today;
 * - any other state: 409 with `current_status`;
 * - a change that changes nothing: 422.
 * Room rules (exists, sleeps the guests, in service) are checked against the room by the use case.
 */
export function decideChange({ booking, request, byStaff, today }: ChangeInput): BookingChange {
  const { status } = booking;
  const next: BookingChange = {
    checkIn: request.check_in ?? booking.checkIn,
    checkOut: request.check_out ?? booking.checkOut,
    roomId: request.room_id ?? booking.roomId,
    guests: request.guests ?? booking.guests,
  };
  const changed = fields.filter(([, key]) => next[key] !== booking[key]).map(([name]) => name);
  if (status === 'checked_in') {
    if (!byStaff) throw new ForbiddenError('A stay that has begun is changed by the front desk');
    if (changed.some((name) => name !== 'check_out')) {
      throw conflict(status, 'A checked-in stay can change only its check_out');
    }
  } else if (status !== 'pending' && status !== 'confirmed') {
    throw conflict(status, `Cannot change a booking that is ${status}`);
  }
  if (changed.length === 0) throw new UnprocessableError('The change changes nothing');
  validateStay(next.checkIn, next.checkOut, byStaff || status === 'checked_in' ? {} : { notBefore: today });
  if (status === 'checked_in' && next.checkOut < today) {
    throw new ValidationError('check_out is in the past', [
      { path: 'check_out', message: `must be ${today} or later` },
    ]);
  }
  return next;
}

/** The fields a change changed, as the API shows them (for the audit trail). */
export function changedFields(
  before: Pick<BookingRecord, 'roomId' | 'checkIn' | 'checkOut' | 'guests' | 'totalPrice'>,
  after: Pick<BookingRecord, 'roomId' | 'checkIn' | 'checkOut' | 'guests' | 'totalPrice'>,
): FieldChanges {
  const changes: FieldChanges = {};
  for (const [name, key] of [...fields, ['total_price', 'totalPrice']] as const) {
    if (before[key] !== after[key]) changes[name] = { from: before[key], to: after[key] };
  }
  return changes;
}

/** A new booking's fields, each from nothing (the `created` event is self-contained). */
export function createdFields(
  b: Pick<
    BookingRecord,
    'reference' | 'guestId' | 'roomId' | 'checkIn' | 'checkOut' | 'guests' | 'totalPrice'
  >,
): FieldChanges {
  return {
    reference: { from: null, to: b.reference },
    guest_id: { from: null, to: b.guestId },
    ...Object.fromEntries(
      [...fields, ['total_price', 'totalPrice'] as const].map(([name, key]) => [
        name,
        { from: null, to: b[key] },
      ]),
    ),
  };
}
