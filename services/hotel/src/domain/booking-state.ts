import { ConflictError } from '@myhotel/common';
import type { BookingStatus } from '../data/records';

/**
 * The booking state machine (pure):
 *   pending → confirmed → checked_in → checked_out
 *   pending | confirmed → cancelled
 *   confirmed → no_show
 * plus the calendar rules of each action. Who may act is decided by the use cases.
 */
export type BookingAction = 'confirm' | 'cancel' | 'check_in' | 'check_out' | 'no_show';

const transitions: Record<BookingAction, { from: readonly BookingStatus[]; to: BookingStatus }> = {
  confirm: { from: ['pending'], to: 'confirmed' },
  cancel: { from: ['pending', 'confirmed'], to: 'cancelled' },
  check_in: { from: ['confirmed'], to: 'checked_in' },
  check_out: { from: ['checked_in'], to: 'checked_out' },
  no_show: { from: ['confirmed'], to: 'no_show' },
};

export function isTerminal(status: BookingStatus): boolean {
  return (Object.keys(transitions) as BookingAction[]).every(
    (action) => !transitions[action].from.includes(status),
  );
}

/** The status `action` leads to from `status`, or null when the transition is illegal. */
export function nextStatus(status: BookingStatus, action: BookingAction): BookingStatus | null {
  const rule = transitions[action];
  return rule.from.includes(status) ? rule.to : null;
}

export interface TransitionInput {
  action: BookingAction;
  status: BookingStatus;
  checkIn: string;
  checkOut: string;
  /** The current UTC date. */
  today: string;
  /** Staff or admin acting (guests may only cancel their own, up to the check-in date). */
  byStaff: boolean;
}

const conflict = (status: BookingStatus, detail: string) =>
  new ConflictError(detail, { current_status: status });

/**
 * Decides a transition: returns the next status, or throws 409 carrying `current_status`.
 * Calendar rules (dates are UTC):
 * - check-in: on a day of the stay, check_in ≤ today < check_out;
 * - no-show: only after the check-in day, today > check_in;
 * - cancel by the guest: up to and including the check-in day (later: ask the front desk).
 */
export function decideTransition(input: TransitionInput): BookingStatus {
  const { action, status, checkIn, checkOut, today } = input;
  const next = nextStatus(status, action);
  if (next === null) throw conflict(status, `Cannot ${action.replace('_', '-')} a booking that is ${status}`);
  if (action === 'check_in' && today < checkIn) throw conflict(status, `Check-in opens on ${checkIn}`);
  if (action === 'check_in' && today >= checkOut)
    throw conflict(status, `The stay ended on ${checkOut}; mark it no-show`);
  if (action === 'no_show' && today <= checkIn)
    throw conflict(status, `No-show can be recorded only after ${checkIn}`);
  if (action === 'cancel' && !input.byStaff && today > checkIn) {
    throw conflict(status, 'Guests can cancel only up to the check-in date; ask the front desk');
  }
  return next;
}
