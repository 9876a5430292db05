import { ValidationError } from '@myhotel/common';

/** Pure calendar-date rules. Dates are 'YYYY-MM-DD' strings; "today" is the UTC date. */

export const MAX_STAY_NIGHTS = 30;
const dayMs = 86_400_000;
const shape = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: string): number {
  const match = shape.exec(date);
  if (!match) return Number.NaN;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Not Date.UTC: it maps years 0–99 to 1900–1999.
  const back = new Date(0);
  back.setUTCFullYear(y, m - 1, d);
  // 2026-02-30 rolls over to March: a real date survives the round trip.
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d
    ? back.getTime()
    : Number.NaN;
}

export function isCalendarDate(value: string): boolean {
  return !Number.isNaN(toUtcMs(value));
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function todayUtc(now: Date = new Date()): string {
  return fromUtcMs(now.getTime());
}

export function addDays(date: string, days: number): string {
  const ms = toUtcMs(date);
  if (Number.isNaN(ms)) throw new RangeError(`not a calendar date: ${date}`);
  return fromUtcMs(ms + days * dayMs);
}

/** Nights of the half-open stay [checkIn, checkOut); negative when checkOut is before checkIn. */
export function nightsBetween(checkIn: string, checkOut: string): number {
  const from = toUtcMs(checkIn);
  const to = toUtcMs(checkOut);
  if (Number.isNaN(from) || Number.isNaN(to))
    throw new RangeError(`not calendar dates: ${checkIn}, ${checkOut}`);
  return Math.round((to - from) / dayMs);
}

export interface StayRules {
  /** The current UTC date; when given, a check-in before it is rejected. */
  notBefore?: string;
}

/** Validates a stay; returns its number of nights or throws a 400 naming the field. */
export function validateStay(checkIn: string, checkOut: string, rules: StayRules = {}): number {
  for (const [path, value] of [
    ['check_in', checkIn],
    ['check_out', checkOut],
  ] as const) {
    if (!isCalendarDate(value)) {
      throw new ValidationError(`${path} is not a calendar date`, [
        { path, message: 'must be a real date YYYY-MM-DD' },
      ]);
    }
  }
  const nights = nightsBetween(checkIn, checkOut);
  if (nights < 1) {
    throw new ValidationError('check_out must be after check_in', [
      { path: 'check_out', message: 'must be after check_in' },
    ]);
  }
  if (nights > MAX_STAY_NIGHTS) {
    throw new ValidationError(`A stay is at most ${MAX_STAY_NIGHTS} nights`, [
      { path: 'check_out', message: `at most ${MAX_STAY_NIGHTS} nights after check_in` },
    ]);
  }
  if (rules.notBefore !== undefined && checkIn < rules.notBefore) {
    throw new ValidationError('check_in is in the past', [
      { path: 'check_in', message: `must be ${rules.notBefore} or later` },
    ]);
  }
  return nights;
}
