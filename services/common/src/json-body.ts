import { AppError, ValidationError } from './errors';

/** Deepest nesting of objects/arrays accepted in a JSON body (our bodies are flat). */
const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Rejects JSON texts that parse but are ambiguous or abusive, in one linear, non-recursive
 * pass: a key repeated in one object (JSON.parse keeps the last; other parsers, proxies or
 * WAFs may read the first) and nesting deeper than MAX_JSON_DEPTH. A malformed text is left
 * to JSON.parse to report.
 */
function checkJsonText(text: string): void {
  const objects: Array<Set<string> | null> = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = i + 1;
      while (end < n && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      if (end >= n) return;
      let next = end + 1;
      while (next < n && isWhitespace(text.charCodeAt(next))) next++;
      const keys = objects[objects.length - 1];
      if (keys && text.charCodeAt(next) === 0x3a) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return;
        }
        if (keys.has(key)) {
          throw new ValidationError('Request body repeats a key within one JSON object', [
            { message: 'object keys must be unique', code: 'duplicate-key' },
          ]);
        }
        keys.add(key);
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      objects.push(c === 0x7b ? new Set() : null);
      if (objects.length > MAX_JSON_DEPTH) {
        throw new ValidationError(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
    } else if (c === 0x7d || c === 0x5d) {
      objects.pop();
    }
  }
}

/**
 * `verify` hook of express.json: JSON bodies must be well-formed UTF-8 (RFC 8259 §8.1; the
 * parser would otherwise silently turn bad bytes into U+FFFD), then pass checkJsonText.
 * Runs on the raw bytes before parsing.
 */
export function verifyJsonBody(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  if (encoding !== null && encoding.toLowerCase() !== 'utf-8') {
    throw new AppError(415, 'Unsupported Media Type', 'JSON bodies must be encoded as UTF-8');
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ValidationError('Request body is not valid UTF-8');
  }
  checkJsonText(text);
}
