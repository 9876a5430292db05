import {
  queryOne,
  queryRows,
  type CreatedResult,
  type IdempotencyKey,
  type IdempotencyStore,
  type SqlRunner,
} from '@myhotel/common';

/**
 * hotel.idempotency_keys, in one transaction. The primary key (user_id, key) makes a
 * concurrent claim of the same key wait for the first transaction; keys older than
 * `ttlHours` are forgotten when the same owner claims a key.
 */
export class IdempotencyKeyStore implements IdempotencyStore {
  constructor(
    private readonly manager: SqlRunner,
    private readonly ttlHours: number,
  ) {}

  async claim({ owner, key }: IdempotencyKey, requestHash: string): Promise<boolean> {
    await this.manager.query(
      `DELETE FROM hotel.idempotency_keys WHERE user_id = $1 AND created_at < now() - make_interval(hours => $2)`,
      [owner, this.ttlHours],
    );
    const claimed = await queryRows(
      this.manager,
      `INSERT INTO hotel.idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [owner, key, requestHash],
    );
    return claimed.length === 1;
  }

  completed({ owner, key }: IdempotencyKey): Promise<{ requestHash: string; result: unknown } | null> {
    return queryOne(
      this.manager,
      `SELECT request_hash AS "requestHash", response_body AS result FROM hotel.idempotency_keys
       WHERE user_id = $1 AND key = $2 AND response_body IS NOT NULL`,
      [owner, key],
    );
  }

  /** Keeps the created booking (json keeps the key order: a replay is byte-identical). */
  async complete({ owner, key }: IdempotencyKey, result: CreatedResult): Promise<void> {
    // response_status: every completed booking request answered 201 Created.
    await this.manager.query(
      `UPDATE hotel.idempotency_keys SET response_status = 201, response_body = $3::json, booking_id = $4
       WHERE user_id = $1 AND key = $2`,
      [owner, key, JSON.stringify(result), result.id],
    );
  }
}
