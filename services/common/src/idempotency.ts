import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ConflictError, UnprocessableError } from './errors';

/**
 * The Idempotency-Key protocol of a creating POST: the same key with the same body answers
 * the first result again (a replay); the same key with another body is a 422; a key whose
 * first request is still running is a 409 (retry). The key is claimed and completed in the
 * transaction of the work it guards, so a request that fails leaves no key behind.
 */

/** One caller's key: keys are scoped to who sent them. */
export interface IdempotencyKey {
  owner: string;
  key: string;
}

/** The created resource's representation (its `id` is recorded with the key). */
export interface CreatedResult {
  id: string;
}

/** Keys of one service's table, bound to the transaction of the work. */
export interface IdempotencyStore {
  /**
   * Claims the key with the request's hash; false when it is taken. A concurrent claim of
   * the same key waits until the other transaction ends, then sees its completed result
   * or, if it rolled back, takes the key itself.
   */
  claim(key: IdempotencyKey, requestHash: string): Promise<boolean>;
  /** The completed request's hash and result; null while the first request is in progress. */
  completed(key: IdempotencyKey): Promise<{ requestHash: string; result: unknown } | null>;
  complete(key: IdempotencyKey, result: CreatedResult): Promise<void>;
}

export interface Idempotent<Result> {
  result: Result;
  /** The result of an earlier request with the same key, not of this one. */
  replayed: boolean;
}

const requestHash = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * Runs `create` once per key: without a key it just runs; with one, a repeated request gets
 * the stored result back (`replayed`). Call it inside the transaction `store` is bound to.
 */
export async function idempotent<Result extends CreatedResult>(
  store: IdempotencyStore,
  key: IdempotencyKey | undefined,
  request: unknown,
  create: () => Promise<Result>,
): Promise<Idempotent<Result>> {
  if (key === undefined) return { result: await create(), replayed: false };
  const hash = requestHash(request);
  if (!(await store.claim(key, hash))) {
    const first = await store.completed(key);
    if (!first) throw new ConflictError('A request with this Idempotency-Key is still in progress; retry');
    if (first.requestHash !== hash) {
      throw new UnprocessableError('This Idempotency-Key was already used with a different request body');
    }
    return { result: first.result as Result, replayed: true };
  }
  const result = await create();
  await store.complete(key, result);
  return { result, replayed: false };
}
