import { ValidationError } from '@myhotel/common';

/**
 * Opaque keyset cursors for orders that are not (created_at, id) — rooms by number,
 * availability by price then number. (created_at, id) orders use encodeCursor/decodeCursor
 * from @myhotel/common.
 */
export function encodeKeyset(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeKeyset(cursor: string | undefined, patterns: RegExp[]): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === patterns.length &&
      values.every((v, i) => typeof v === 'string' && patterns[i]!.test(v))
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

export const keysetPatterns = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  roomNumber: /^[A-Za-z0-9-]{1,10}$/,
  money: /^\d{1,8}\.\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/,
};

/** created_at with microseconds (a JS Date keeps only milliseconds), for exact keyset cursors. */
export const cursorTimestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
