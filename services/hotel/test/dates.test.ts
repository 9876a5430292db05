import { ValidationError } from '@myhotel/common';
import {
  addDays,
  isCalendarDate,
  MAX_STAY_NIGHTS,
  nightsBetween,
  todayUtc,
  validateStay,
} from '../src/domain/dates';

describe('calendar dates', () => {
  it.each([
    ['2026-01-31', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2027-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['20260101', false],
  ])('%s is a calendar date: %s', (value, ok) => {
    expect(isCalendarDate(value)).toBe(ok);
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('counts nights of half-open stays', () => {
    expect(nightsBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(nightsBetween('2027-02-28', '2027-03-01')).toBe(1);
    expect(nightsBetween('2026-03-28', '2026-03-30')).toBe(2); // across a DST change in many zones
    expect(nightsBetween('2026-03-10', '2026-03-10')).toBe(0);
  });

  it('takes "today" in UTC', () => {
    expect(todayUtc(new Date('2026-06-30T23:30:00-02:00'))).toBe('2026-07-01');
    expect(todayUtc(new Date('2026-07-01T00:30:00+02:00'))).toBe('2026-06-30');
  });
});

describe('validateStay', () => {
  const fails = (fn: () => unknown, path: string) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors[0]?.path).toBe(path);
      return;
    }
    throw new Error('expected a validation error');
  };

  it('returns the nights of a valid stay', () => {
    expect(validateStay('2026-03-10', '2026-03-11')).toBe(1);
    expect(validateStay('2026-03-01', addDays('2026-03-01', MAX_STAY_NIGHTS))).toBe(30);
  });

  it('rejects empty, reversed, too long and impossible stays', () => {
    fails(() => validateStay('2026-03-10', '2026-03-10'), 'check_out');
    fails(() => validateStay('2026-03-10', '2026-03-09'), 'check_out');
    fails(() => validateStay('2026-03-01', addDays('2026-03-01', 31)), 'check_out');
    fails(() => validateStay('2026-02-30', '2026-03-02'), 'check_in');
  });

  it('rejects a check-in before notBefore (guests: today)', () => {
    fails(() => validateStay('2026-03-09', '2026-03-11', { notBefore: '2026-03-10' }), 'check_in');
    expect(validateStay('2026-03-10', '2026-03-11', { notBefore: '2026-03-10' })).toBe(1);
  });
});
