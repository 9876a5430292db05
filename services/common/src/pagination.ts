import { ValidationError } from './errors';

/**
 * The one pagination kit: a page is `{ items, next_cursor }`, fetched in a keyset order
 * (`limit + 1` rows, the extra one says there is a next page). A cursor is the keyset
 * position of the last item — one string per ORDER BY column — as base64url JSON; its
 * values are checked part by part when it comes back, so a forged cursor is a 400.
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Checks one value of a cursor. */
export type CursorPart = (value: string) => boolean;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The UTC ISO 8601 form of cursorTimestamp() (also with fewer fraction digits), years 0001–9999. */
const isoUtc = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

export const cursorParts = {
  uuid: (value: string) => uuid.test(value),
  /**
   * A timestamp PostgreSQL reads exactly as meant: the issued shape, and a real instant
   * (Date.parse alone also takes "1" or RFC 2822 dates, and rolls 2026-02-30 over).
   */
  timestamp: (value: string) => {
    if (!isoUtc.test(value)) return false;
    const ms = Date.parse(value);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
  },
  matching: (pattern: RegExp) => (value: string) => pattern.test(value),
} satisfies Record<string, CursorPart | ((...args: never[]) => CursorPart)>;

function encodeCursor(position: string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor holds, checked against `parts`; anything forged or malformed is a 400. */
export function decodeCursor(cursor: string | undefined, parts: CursorPart[]): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === parts.length &&
      values.every((value, i) => typeof value === 'string' && parts[i]!(value))
    ) {
      return values as string[];
    }
  } catch {
    // fall through
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'not a cursor issued by this API' },
  ]);
}

/** A page from `limit + 1` rows fetched in keyset order; `position` gives a row's cursor values. */
export function toPage<Row>(rows: Row[], limit: number, position: (row: Row) => string[]): Page<Row> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null,
  };
}

/** The same page with every item mapped (records to views). */
export function mapPage<From, To>(page: Page<From>, map: (item: From) => To): Page<To> {
  return { items: page.items.map(map), next_cursor: page.next_cursor };
}

/** List query parameters with the spec's default page size. */
export const withLimit = <Q extends { limit?: number }>(query: Q): Q & { limit: number } => ({
  ...query,
  limit: query.limit ?? 20,
});

/**
 * created_at as a cursor value, with microseconds: a JS Date keeps only milliseconds, so a
 * cursor built from one skips or repeats rows created in the same millisecond.
 */
const cursorTimestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A row of a newest-first query: its own columns plus the created_at cursor value. */
export type WithCursorAt<Row> = Row & { id: string; cursorAt: string };

/**
 * Keyset pagination newest first on (created_at, id) of the table aliased `alias` — the
 * order of every list of things that happened (users, bookings, notifications).
 */
export function newestFirst(alias: string) {
  return {
    /** The extra select-list item the page's cursor is built from. */
    cursorColumn: `${cursorTimestamp(`${alias}.created_at`)} AS "cursorAt"`,
    orderBy: `${alias}.created_at DESC, ${alias}.id DESC`,
    /** The WHERE condition for rows after `cursor`, or undefined on the first page. */
    after(cursor: string | undefined, param: (value: unknown) => string): string | undefined {
      const position = decodeCursor(cursor, [cursorParts.timestamp, cursorParts.uuid]);
      if (!position) return undefined;
      const [at, id] = position;
      return `(${alias}.created_at, ${alias}.id) < (${param(at)}::timestamptz, ${param(id)}::uuid)`;
    },
    toPage<Row>(rows: Array<WithCursorAt<Row>>, limit: number): Page<Row> {
      return mapPage(
        toPage(rows, limit, (row) => [row.cursorAt, row.id]),
        ({ cursorAt: _cursorAt, ...row }) => row as unknown as Row,
      );
    },
  };
}
