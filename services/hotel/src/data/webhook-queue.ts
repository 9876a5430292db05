import { queryOne, queryRows, type SqlRunner } from '@myhotel/common';
import type { BookingEventAction } from './records';

/** A delivery claimed by a worker: what to send, where, signed with which secrets. */
export interface ClaimedDelivery {
  id: string;
  /** Proves the claim when its outcome is recorded (a later claim of the same delivery has another). */
  leaseToken: string;
  endpointId: string;
  url: string;
  /** The current secret, and the previous one while it still signs. */
  secrets: string[];
  eventId: string;
  action: BookingEventAction;
  eventAt: Date;
  /** The booking as the API showed it after the event. */
  booking: unknown;
  /** Attempts before this one. */
  attempts: number;
  /** After a manual retry: give up if this attempt fails (else: the event's time + the retry window). */
  giveUpAfter: Date | null;
}

/** One attempt's outcome, as stored. */
export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** What the endpoint's health became after a failed attempt. */
export interface EndpointHealth {
  consecutiveFailures: number;
  failingSince: Date | null;
}

/**
 * The outbox's queue side, for the delivery worker (hotel.webhook_deliveries):
 *
 * - Each enabled endpoint's next delivery is its pending one of the earliest event (by the
 *   event's transaction id); only that one may be sent, so an endpoint gets its events in
 *   order, one at a time, and a later one waits until the earlier one succeeded or was given up.
 * - It is claimable once due, not leased (or its lease expired: its worker died), and once its
 *   transaction is older than every transaction still running (`pg_snapshot_xmin`): no event
 *   that happened before it can still appear (an earlier transaction may commit later).
 * - A claim leases it (FOR UPDATE SKIP LOCKED: replicas claiming together each get others).
 */
export class WebhookQueue {
  constructor(private readonly db: SqlRunner) {}

  claim(limit: number, leaseSeconds: number, leaseToken: string): Promise<ClaimedDelivery[]> {
    return queryRows(
      this.db,
      `WITH heads AS (
         SELECT h.id
         FROM hotel.webhook_endpoints w
         CROSS JOIN LATERAL (
           SELECT d.id, d.event_txid, d.next_attempt_at, d.lease_until
           FROM hotel.webhook_deliveries d
           WHERE d.endpoint_id = w.id AND d.status = 'pending'
           ORDER BY d.event_txid, d.event_id
           LIMIT 1) h
         WHERE w.enabled
           AND h.event_txid < pg_snapshot_xmin(pg_current_snapshot())
           AND h.next_attempt_at <= now()
           AND (h.lease_until IS NULL OR h.lease_until < now())
         ORDER BY h.next_attempt_at
         LIMIT $1),
       claimable AS (
         SELECT d.id FROM hotel.webhook_deliveries d JOIN heads USING (id)
         WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
         FOR UPDATE OF d SKIP LOCKED)
       UPDATE hotel.webhook_deliveries d
       SET lease_until = now() + make_interval(secs => $2), lease_token = $3
       FROM claimable c, hotel.booking_events e, hotel.webhook_endpoints w
       WHERE d.id = c.id AND e.id = d.event_id AND w.id = d.endpoint_id
       RETURNING d.id, d.lease_token AS "leaseToken", d.endpoint_id AS "endpointId", w.url,
         array_remove(ARRAY[w.secret,
           CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END], NULL) AS secrets,
         d.event_id AS "eventId", e.action, d.event_at AS "eventAt", e.booking, d.attempts,
         d.give_up_after AS "giveUpAfter"`,
      [limit, leaseSeconds, leaseToken],
    );
  }

  /** A 2xx: delivered; the endpoint is healthy again. False if the claim was lost meanwhile. */
  async succeeded(delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean> {
    const done = await queryOne<{ id: string }>(
      this.db,
      `WITH done AS (
         UPDATE hotel.webhook_deliveries d SET status = 'succeeded', ${attemptColumns},
           lease_until = NULL, lease_token = NULL
         WHERE d.id = $1 AND d.lease_token = $2 RETURNING d.id, d.endpoint_id),
       healthy AS (
         UPDATE hotel.webhook_endpoints w SET consecutive_failures = 0, failing_since = NULL
         FROM done WHERE w.id = done.endpoint_id AND w.consecutive_failures > 0)
       SELECT id FROM done`,
      [delivery.id, delivery.leaseToken, ...attemptValues(outcome)],
    );
    return done !== null;
  }

  /**
   * Anything else: retried at `nextAttemptAt`, or given up (`null`); the endpoint counts one
   * more failure in a row and is failing from the `failingAfter`-th. Null if the claim was lost.
   */
  failed(
    delivery: ClaimedDelivery,
    outcome: AttemptOutcome,
    nextAttemptAt: Date | null,
    failingAfter: number,
  ): Promise<EndpointHealth | null> {
    return queryOne(
      this.db,
      `WITH done AS (
         UPDATE hotel.webhook_deliveries d
         SET status = CASE WHEN $7::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
           next_attempt_at = COALESCE($7, d.next_attempt_at), ${attemptColumns},
           lease_until = NULL, lease_token = NULL
         WHERE d.id = $1 AND d.lease_token = $2 RETURNING d.endpoint_id)
       UPDATE hotel.webhook_endpoints w SET consecutive_failures = w.consecutive_failures + 1,
         failing_since = CASE WHEN w.consecutive_failures + 1 >= $8 THEN COALESCE(w.failing_since, now()) END
       FROM done WHERE w.id = done.endpoint_id
       RETURNING w.consecutive_failures AS "consecutiveFailures", w.failing_since AS "failingSince"`,
      [delivery.id, delivery.leaseToken, ...attemptValues(outcome), nextAttemptAt, failingAfter],
    );
  }

  /** Seconds since the oldest event still to be delivered to an enabled endpoint (0: none). */
  async lagSeconds(): Promise<number> {
    const row = await queryOne<{ lag: number | null }>(
      this.db,
      `SELECT extract(epoch FROM now() - min(d.event_at))::float8 AS lag
       FROM hotel.webhook_deliveries d JOIN hotel.webhook_endpoints w ON w.id = d.endpoint_id
       WHERE d.status = 'pending' AND w.enabled`,
    );
    return Math.max(0, row?.lag ?? 0);
  }
}

/** The attempt's columns, from parameters $3–$6. */
const attemptColumns = `attempts = d.attempts + 1, last_attempt_at = $3, last_status_code = $4,
  last_error = $5, last_duration_ms = $6`;
const attemptValues = (outcome: AttemptOutcome) => [
  outcome.at,
  outcome.statusCode,
  outcome.error,
  outcome.durationMs,
];
