/** PostgreSQL error classification, shared by the data layers of both services. */
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
  driverError?: PgLikeError;
}

function pgError(err: unknown): PgLikeError {
  const e = (err ?? {}) as PgLikeError;
  return e.driverError ?? e;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export function isExclusionViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e.code === '23P01' && (constraint === undefined || e.constraint === constraint);
}

/**
 * True when PostgreSQL chose this transaction as the loser of a race it could not order:
 * a deadlock (40P01) or a serialization failure (40001). Nothing was written; the caller may
 * retry. A concurrent loser is a 409, never a 500.
 */
export function isConcurrencyFailure(err: unknown): boolean {
  const code = pgError(err).code;
  return code === '40P01' || code === '40001';
}

/**
 * PostgreSQL's detail of a violated constraint, e.g. the conflicting key of an exclusion
 * violation. It quotes row values: parse what is needed from it, never pass it on or log it.
 */
export function violationDetail(err: unknown): string | undefined {
  return pgError(err).detail;
}

const unavailableMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Connection refused',
  'connect ECONNREFUSED',
  'Client has encountered a connection error',
  'terminating connection',
  'the database system is',
  'Query read timeout',
];

/** True for errors meaning "the database cannot serve right now" (→ 503), not a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  // TypeORM releases a query runner as soon as its connection reports an error (server
  // restart, pg_terminate_backend) and drops that error; the transaction's next statement
  // or its COMMIT then fails with one of these. The transaction died with the connection.
  if (
    err instanceof QueryRunnerProviderAlreadyReleasedError ||
    err instanceof QueryRunnerAlreadyReleasedError
  )
    return true;
  const e = pgError(err);
  const code = e.code ?? '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '57014')
    return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return true;
  const message = e.message ?? (err instanceof Error ? err.message : '');
  return unavailableMessages.some((m) => message.includes(m));
}
