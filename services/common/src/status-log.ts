import { appendFileSync } from 'node:fs';
import type { RequestHandler } from 'express';

/**
 * Test instrumentation (RESPONSE_STATUS_LOG): appends `METHOD /path STATUS` per response to
 * a file shared by all processes of a test run, from which the test run checks that every
 * status documented in the specs is reached (test/status-coverage.ts). Lines are short and
 * opened with O_APPEND, so concurrent writers do not interleave.
 */
export function statusLog(file: string): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      appendFileSync(file, `${req.method} ${req.path} ${res.statusCode}\n`);
    });
    next();
  };
}
