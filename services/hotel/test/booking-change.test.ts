import { decideChange, type ChangeInput } from '../src/domain/booking-change';
import { newBookingReference, referenceIn } from '../src/domain/references';

const today = '2026-06-10';
const booking: ChangeInput['booking'] = {
  status: 'confirmed',
  roomId: 'room-a',
  checkIn: '2026-06-20',
  checkOut: '2026-06-22',
  guests: 1,
};
const decide = (request: ChangeInput['request'], overrides: Partial<ChangeInput> = {}) =>
  decideChange({ booking, request, byStaff: false, today, ...overrides });
const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (err) {
    return (err as { status: number }).status;
  }
};

describe('decideChange (pure)', () => {
  it('merges the changed fields into the stay', () => {
    expect(decide({ check_out: '2026-06-23', guests: 2 })).toEqual({
      roomId: 'room-a',
      checkIn: '2026-06-20',
      checkOut: '2026-06-23',
      guests: 2,
    });
  });

  it('a change that changes nothing is 422, even when every field is sent', () => {
    expect(
      statusOf(() =>
        decide({ check_in: '2026-06-20', check_out: '2026-06-22', room_id: 'room-a', guests: 1 }),
      ),
    ).toBe(422);
  });

  it('keeps the rules of creating: order, 30 nights, and no check-in in the past for guests (staff may)', () => {
    expect(statusOf(() => decide({ check_out: '2026-06-20' }))).toBe(400);
    expect(statusOf(() => decide({ check_out: '2026-07-21' }))).toBe(400);
    expect(statusOf(() => decide({ check_in: '2026-06-09' }))).toBe(400);
    expect(statusOf(() => decide({ check_in: '2026-06-09' }, { byStaff: true }))).toBe(200);
  });

  it('a checked-in stay: only its check_out, by staff, not before today', () => {
    const stay = { ...booking, status: 'checked_in' as const, checkIn: '2026-06-08', checkOut: '2026-06-12' };
    expect(statusOf(() => decide({ check_out: '2026-06-14' }, { booking: stay }))).toBe(403);
    expect(statusOf(() => decide({ check_out: '2026-06-14' }, { booking: stay, byStaff: true }))).toBe(200);
    expect(statusOf(() => decide({ check_out: '2026-06-10' }, { booking: stay, byStaff: true }))).toBe(200);
    expect(statusOf(() => decide({ check_out: '2026-06-09' }, { booking: stay, byStaff: true }))).toBe(400);
    expect(statusOf(() => decide({ guests: 2 }, { booking: stay, byStaff: true }))).toBe(409);
    expect(
      statusOf(() =>
        decide({ check_in: '2026-06-08', check_out: '2026-06-13' }, { booking: stay, byStaff: true }),
      ),
    ).toBe(200);
  });

  it.each(['checked_out', 'cancelled', 'no_show'] as const)('a %s booking cannot change (409)', (status) => {
    expect(statusOf(() => decide({ guests: 2 }, { booking: { ...booking, status }, byStaff: true }))).toBe(
      409,
    );
  });
});

describe('booking references', () => {
  it('are MH- and six characters without look-alikes', () => {
    const drawn = Array.from({ length: 2000 }, () => newBookingReference());
    expect(drawn.every((r) => /^MH-[2-9A-HJKMNP-TV-Z]{6}$/.test(r))).toBe(true);
    expect(new Set(drawn).size).toBe(drawn.length);
    // Every character of the alphabet is drawn.
    expect(new Set(drawn.flatMap((r) => [...r.slice(3)])).size).toBe(30);
  });

  it('are recognised in a search text in any case, with or without MH-', () => {
    for (const text of ['MH-7Q4K2P', 'mh-7q4k2p', '7q4k2p', ' MH7Q4K2P '])
      expect(referenceIn(text)).toBe('MH-7Q4K2P');
    for (const text of ['MH-7Q4K2', 'MH-7Q4K2PP', 'MH-0O1IL5', 'Ana Lima', 'MH-7Q4K2U'])
      expect(referenceIn(text)).toBeUndefined();
  });
});
