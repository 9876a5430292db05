import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ValidationError } from './errors';
import { queryRows, type SqlQuery, type SqlRunner } from './sql';

/**
 * The one pagination kit: a page is `{ items, next_cursor }`, fetched in a keyset order
 * (`limit + 1` rows, the extra one says there is a next page). Every list sorts by one of
 * the fields it documents (`name`, or `-name` for descending) with the row's id as the last
 * key, so the order is total and paging is stable.
 *
 * A cursor holds the keyset position of a page's last row — one text value per key, read by
 * PostgreSQL itself (timestamps with their microseconds) — and a digest of the sort and the
 * filters it was issued for: a cursor reused with another sort or other filters, or forged,
 * is a 400, checked value by value before any of it reaches SQL.
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Checks one value of a cursor. */
type KeyCheck = (value: string) => boolean;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The UTC ISO 8601 form keys are rendered in (also with fewer fraction digits), years 0001–9999. */
const isoUtc = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const isoDate = /^(?!0000)(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day (not Date.UTC: it maps years 0–99 to 1900–1999). */
function isCalendarDay(value: string): boolean {
  const match = isoDate.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const keyChecks = {
  uuid: (value: string) => uuid.test(value),
  /**
   * A timestamp PostgreSQL reads exactly as meant: the issued shape, and a real instant
   * (Date.parse alone also takes "1" or RFC 2822 dates, and rolls 2026-02-30 over).
   */
  timestamp: (value: string) =>
    isoUtc.test(value) && isCalendarDay(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)),
  date: isCalendarDay,
  /** Any text a column holds (PostgreSQL text cannot hold NUL). */
  text: (value: string) => value.length <= 500 && !value.includes('\u0000'),
  numeric: (value: string) => /^-?\d{1,12}(?:\.\d{1,6})?$/.test(value),
  integer: (value: string) => /^-?\d{1,9}$/.test(value),
} satisfies Record<string, KeyCheck>;

/**
 * How a key's values travel: rendered as text by PostgreSQL into the cursor, checked when
 * the cursor comes back, and cast back to the column's type in the keyset condition.
 */
const keyKinds = {
  timestamp: {
    text: (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    cast: '::timestamptz',
  },
  date: { text: (sql: string) => `to_char(${sql}, 'YYYY-MM-DD')`, cast: '::date' },
  /** Text keys carry their collation in `sql` (e.g. `r.number COLLATE "C"`), which the comparison follows. */
  text: { text: (sql: string) => `${sql}`, cast: '::text' },
  numeric: { text: (sql: string) => `${sql}::text`, cast: '::numeric' },
  integer: { text: (sql: string) => `${sql}::text`, cast: '::integer' },
  uuid: { text: (sql: string) => `${sql}::text`, cast: '::uuid' },
} satisfies Record<keyof typeof keyChecks, { text(sql: string): string; cast: string }>;

/** One key of a sort order: an SQL expression of the row and its kind. */
export interface SortKey {
  sql: string;
  kind: keyof typeof keyKinds;
}

/** A sort as the API takes it: a documented field, `-` first for descending. */
export type SortParam<Field extends string> = Field | `-${Field}`;

/** A row as fetched in a keyset order: its own columns and the cursor position (`cursorKey`). */
export type Keyed<Row> = Row & { cursorKey: string[] };

/** A keyset order bound to one list request (its sort and filters). */
interface KeysetOrder {
  cursorColumn: string;
  orderBy: string;
  /** The WHERE condition for rows after `cursor`, or undefined on the first page. */
  after(cursor: string | undefined, param: (value: unknown) => string): string | undefined;
  /** The page of `limit + 1` rows fetched in this order. */
  toPage<Row>(rows: Array<Keyed<Row>>, limit: number): Page<Row>;
}

/** A list request for the data layer: a sort, a page; the filters beside them bind its cursors. */
export interface ListFilter<Field extends string> {
  sort: SortParam<Field>;
  limit: number;
  cursor?: string;
}

/** A list request as the API takes it: without a sort, the list's default order applies. */
export type ListQuery<Field extends string> = Omit<ListFilter<Field>, 'sort'> & { sort?: SortParam<Field> };

/** The parts of a list statement that its keyset order supplies. */
export interface KeysetParts {
  /** The select-list item the page's cursor is built from. */
  cursorColumn: string;
  /** A WHERE clause of `conditions` and the keyset condition after the cursor ('' for none). */
  where(conditions: string[]): string;
  /** `ORDER BY …` (the keys, no limit). */
  orderBy: string;
  /** `ORDER BY … LIMIT limit + 1`. */
  orderByLimit: string;
}

const invalidCursor = (detail: string) =>
  new ValidationError(detail, [{ path: 'cursor', message: 'not a cursor issued by this API for this list' }]);

/** The digest a cursor carries of the sort and filters it belongs to. */
const bindingOf = (sort: string, filters: object): string =>
  createHash('sha256').update(canonicalJson({ sort, filters })).digest('base64url').slice(0, 16);

function keysetOrder(keys: SortKey[], descending: boolean, binding: string): KeysetOrder {
  const direction = descending ? 'DESC' : 'ASC';
  return {
    cursorColumn: `ARRAY[${keys.map((key) => keyKinds[key.kind].text(key.sql)).join(', ')}] AS "cursorKey"`,
    orderBy: keys.map((key) => `${key.sql} ${direction}`).join(', '),
    after(cursor, param) {
      if (cursor === undefined) return undefined;
      let values: unknown;
      try {
        values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw invalidCursor('Invalid cursor');
      }
      if (!Array.isArray(values) || values.length !== keys.length + 1) throw invalidCursor('Invalid cursor');
      const [issuedFor, ...position] = values as unknown[];
      if (issuedFor !== binding) {
        throw invalidCursor(
          'This cursor belongs to another sort or other filters; start from the first page',
        );
      }
      if (!position.every((value, i) => typeof value === 'string' && keyChecks[keys[i]!.kind](value))) {
        throw invalidCursor('Invalid cursor');
      }
      const bound = position.map((value, i) => `${param(value)}${keyKinds[keys[i]!.kind].cast}`);
      return `(${keys.map((key) => key.sql).join(', ')}) ${descending ? '<' : '>'} (${bound.join(', ')})`;
    },
    toPage<Row>(rows: Array<Keyed<Row>>, limit: number): Page<Row> {
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(({ cursorKey: _cursorKey, ...row }) => row as unknown as Row),
        next_cursor:
          rows.length > limit && last
            ? Buffer.from(JSON.stringify([binding, ...last.cursorKey])).toString('base64url')
            : null,
      };
    },
  };
}

/**
 * The sort orders of one list: each documented field names its keys; the row's `id` is
 * appended as the last key (same direction), so no two rows tie.
 *
 *   const orders = sortOrders('b.id', { created_at: [{ sql: 'b.created_at', kind: 'timestamp' }] });
 *   const { values, param } = sqlParams();
 *   const where = [`b.status = ${param(filter.status)}`];
 *   return orders.pageQuery(filter, { values, param }, (page) =>
 *     `SELECT b.*, ${page.cursorColumn} FROM hotel.bookings b ${page.where(where)} ${page.orderByLimit}`);
 */
export function sortOrders<Field extends string>(id: string, fields: Record<Field, SortKey[]>) {
  const order = (sort: SortParam<Field>, filters: object): KeysetOrder => {
    const descending = sort.startsWith('-');
    const keys = fields[(descending ? sort.slice(1) : sort) as Field];
    if (!keys) throw new ValidationError(`Unknown sort ${sort}`, [{ path: 'sort', message: 'unknown sort' }]);
    return keysetOrder([...keys, { sql: id, kind: 'uuid' }], descending, bindingOf(sort, filters));
  };
  return {
    /** A page statement of `filter` (the filters beyond sort, limit and cursor bind its cursor). */
    pageQuery<F extends ListFilter<Field>>(
      filter: F,
      params: { values: unknown[]; param: (value: unknown) => string },
      build: (page: KeysetParts) => string,
    ): PageQuery {
      const { sort, limit, cursor, ...filters } = filter;
      const keyset = order(sort, filters);
      const after = keyset.after(cursor, params.param);
      const text = build({
        cursorColumn: keyset.cursorColumn,
        where: (conditions) => {
          const all = after ? [...conditions, after] : conditions;
          return all.length > 0 ? `WHERE ${all.join(' AND ')}` : '';
        },
        orderBy: `ORDER BY ${keyset.orderBy}`,
        orderByLimit: `ORDER BY ${keyset.orderBy} LIMIT ${params.param(limit + 1)}`,
      });
      return { text, values: params.values, toPage: (rows) => keyset.toPage(rows, limit) };
    },
  };
}

/** A list statement in a keyset order, and how its `limit + 1` rows become a page. */
export interface PageQuery extends SqlQuery {
  toPage<Row>(rows: Array<Keyed<Row>>): Page<Row>;
}

/** Runs a list statement; its page. */
export async function queryPage<Row>(db: SqlRunner, query: PageQuery): Promise<Page<Row>> {
  return query.toPage(await queryRows<Keyed<Row>>(db, query.text, query.values));
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
