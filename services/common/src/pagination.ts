import { ValidationError } from './errors';

/** Keyset position of the last item of a page: (created_at, id), newest first. */
export interface CursorPosition {
  t: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The UTC ISO 8601 form cursors are issued in (milli- or microseconds), years 0001–9999. */
const isoUtc = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

/**
 * A timestamp PostgreSQL accepts exactly as meant: the issued shape, and a real instant
 * (Date.parse alone also takes "1" or RFC 2822 dates, and rolls 2026-02-30 over).
 */
function isCursorTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !isoUtc.test(value)) return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes an opaque cursor; anything forged or malformed is a 400, never a 500. */
export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPosition>;
    if (isCursorTimestamp(value.t) && typeof value.id === 'string' && uuid.test(value.id)) {
      return { t: value.t, id: value.id };
    }
  } catch {
    // fall through
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'not a cursor issued by this API' },
  ]);
}

/** Builds a page from `limit + 1` rows fetched in keyset order. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  position: (row: Row) => CursorPosition,
  toItem: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(toItem),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
