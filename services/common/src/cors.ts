import cors from 'cors';
import type { RequestHandler } from 'express';

/** Request headers a browser front end may send (answered in preflights). */
const corsAllowedHeaders = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'If-None-Match',
  'X-Request-Id',
];

/** Response headers a browser front end may read. */
const corsExposedHeaders = ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After'];

const corsMethods = ['GET', 'POST', 'PATCH', 'DELETE'];

/**
 * Cross-origin access for the listed origins only (CORS_ALLOWED_ORIGINS): their preflights
 * are answered (204) with the methods and headers above; other origins get no CORS headers,
 * so browsers keep them out. No list, no middleware: preflights get the spec's 405.
 * Credentials (cookies) are not used: tokens travel in the Authorization header.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler | undefined {
  if (allowedOrigins.length === 0) return undefined;
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: corsMethods,
    allowedHeaders: corsAllowedHeaders,
    exposedHeaders: corsExposedHeaders,
    maxAge: 600,
  });
}
