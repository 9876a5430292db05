import { AppError } from '@myhotel/common';
import { activeStatuses, bookingStatuses, type BookingStatus } from '../src/data/records';
import { decideTransition, isTerminal, nextStatus, type BookingAction } from '../src/domain/booking-state';

const actions: BookingAction[] = ['confirm', 'cancel', 'check_in', 'check_out', 'no_show'];
const legal: Array<[BookingStatus, BookingAction, BookingStatus]> = [
  ['pending', 'confirm', 'confirmed'],
  ['pending', 'cancel', 'cancelled'],
  ['confirmed', 'cancel', 'cancelled'],
  ['confirmed', 'check_in', 'checked_in'],
  ['confirmed', 'no_show', 'no_show'],
  ['checked_in', 'check_out', 'checked_out'],
];

function conflictOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a conflict');
}

describe('nextStatus', () => {
  it.each(bookingStatuses.flatMap((s) => actions.map((a) => [s, a] as const)))(
    '%s + %s',
    (status, action) => {
      const rule = legal.find(([from, a]) => from === status && a === action);
      expect(nextStatus(status, action)).toBe(rule ? rule[2] : null);
    },
  );

  it('knows the terminal and active states', () => {
    expect(bookingStatuses.filter(isTerminal)).toEqual(['checked_out', 'cancelled', 'no_show']);
    expect(activeStatuses).toEqual(['pending', 'confirmed', 'checked_in']);
  });
});

describe('decideTransition', () => {
  const base = { checkIn: '2026-03-10', checkOut: '2026-03-12', byStaff: true };

  it('illegal transitions are 409 with current_status', () => {
    const error = conflictOf(() =>
      decideTransition({ ...base, action: 'check_out', status: 'pending', today: '2026-03-10' }),
    );
    expect(error.status).toBe(409);
    expect(error.extensions).toEqual({ current_status: 'pending' });
  });

  it('check-in only on a day of the stay', () => {
    const at = (today: string) => () =>
      decideTransition({ ...base, action: 'check_in', status: 'confirmed', today });
    expect(conflictOf(at('2026-03-09')).extensions).toEqual({ current_status: 'confirmed' });
    expect(at('2026-03-10')()).toBe('checked_in');
    expect(at('2026-03-11')()).toBe('checked_in');
    expect(conflictOf(at('2026-03-12')).status).toBe(409);
  });

  it('no-show only after the check-in day', () => {
    const at = (today: string) => () =>
      decideTransition({ ...base, action: 'no_show', status: 'confirmed', today });
    expect(conflictOf(at('2026-03-10')).status).toBe(409);
    expect(at('2026-03-11')()).toBe('no_show');
  });

  it('guests cancel up to the check-in day; staff any time before check-in', () => {
    const cancel = (today: string, byStaff: boolean) => () =>
      decideTransition({ ...base, byStaff, action: 'cancel', status: 'confirmed', today });
    expect(cancel('2026-03-10', false)()).toBe('cancelled');
    expect(conflictOf(cancel('2026-03-11', false)).status).toBe(409);
    expect(cancel('2026-03-11', true)()).toBe('cancelled');
    expect(
      conflictOf(() =>
        decideTransition({ ...base, action: 'cancel', status: 'checked_in', today: '2026-03-01' }),
      ).status,
    ).toBe(409);
  });

  it('confirm and check-out have no calendar rule', () => {
    expect(decideTransition({ ...base, action: 'confirm', status: 'pending', today: '2030-01-01' })).toBe(
      'confirmed',
    );
    expect(
      decideTransition({ ...base, action: 'check_out', status: 'checked_in', today: '2030-01-01' }),
    ).toBe('checked_out');
  });
});
