import type { RequestHandler } from 'express';
import { ValidationError } from './errors';

/** JSON Pointer-ish path (`/body/name`, `/query/type`) of the first string holding U+0000. */
function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes('\u0000') ? `${path}/${key}` : findNul(item, `${path}/${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000 (JSON allows it as `\u0000`): such input is a 400 at the
 * edge, never a 500 from the database. Runs after the OpenAPI validator, before the routes.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const path = findNul(req.body, '/body') ?? findNul(req.query, '/query');
  if (!path) return next();
  next(
    new ValidationError('Request contains a NUL character (U+0000)', [
      { path, message: 'must not contain the NUL character (U+0000)', code: 'nul' },
    ]),
  );
};
