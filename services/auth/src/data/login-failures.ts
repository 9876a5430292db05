import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';

/** A budget of failed logins per key (an account, a client address) over a time window. */
export interface FailureBudget {
  /** Counts an attempt; the seconds until the next is allowed when over budget, else null. */
  spend(key: string): Promise<number | null>;
  /** Gives a successful attempt's count back. */
  refund(key: string): Promise<void>;
}

/**
 * Counters in auth.login_failures, so every replica spends from the same budget
 * (rate-limiter-flexible's Postgres store, on the service's own pool; atomic upserts).
 */
export function loginFailureBudget(
  dataSource: DataSource,
  scope: 'account' | 'client',
  limit: number,
  windowSeconds: number,
): FailureBudget {
  const counter = new RateLimiterPostgres({
    storeClient: dataSource,
    storeType: 'typeorm',
    schemaName: 'auth',
    tableName: 'login_failures',
    tableCreated: true, // by migration
    keyPrefix: scope,
    points: limit,
    duration: windowSeconds,
  });
  const hashed = (key: string) => createHash('sha256').update(key).digest('hex');
  return {
    async spend(key) {
      try {
        await counter.consume(hashed(key));
        return null;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection; // the database's error
        return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      }
    },
    async refund(key) {
      await counter.reward(hashed(key));
    },
  };
}
