import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks from a transactional outbox (one transaction, no table rewrite, no long lock).
 *
 * - `booking_events` is the outbox: each event row now carries `booking`, the booking as the
 *   API showed it right after the event (json, in the API's field order), written by the
 *   statement that writes the event. Rows of earlier releases have none (nothing is sent
 *   for them). Adding a nullable column without a default is a catalogue change only.
 * - `webhook_endpoints`: the subscriptions and their Standard Webhooks signing secrets (the
 *   previous one signs too until `previous_secret_expires_at`).
 * - `webhook_deliveries`: one row per event and subscription, created by the same statement
 *   (fan-out in the booking's transaction), then driven by the delivery worker. Deliveries of
 *   an endpoint go out in the order of their events' transactions (`event_txid`: a
 *   transaction id, `xid8`, never wraps around); a lease (`lease_until`, `lease_token`) marks
 *   the one in flight, so a crashed worker's delivery is taken up again once it expires.
 *   `endpoint_id` has no foreign key on purpose: its check would make a booking fail when an
 *   admin deletes a subscription at the same moment; deleting one deletes its deliveries, and
 *   a delivery whose subscription is gone is never sent.
 */
export class Webhooks1766000000000 implements MigrationInterface {
  name = 'Webhooks1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hotel.booking_events ADD COLUMN booking json`);

    await q.query(`
      CREATE TABLE hotel.webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000 AND url ~* '^https?://'),
        event_types text[] CHECK (cardinality(event_types) BETWEEN 1 AND 8),
        description text CHECK (length(description) BETWEEN 1 AND 500),
        enabled boolean NOT NULL DEFAULT true,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
        failing_since timestamptz,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`COMMENT ON COLUMN hotel.webhook_endpoints.event_types IS 'NULL: every event type'`);
    await q.query(
      `CREATE INDEX webhook_endpoints_created_at_idx ON hotel.webhook_endpoints (created_at, id)`,
    );

    await q.query(`
      CREATE TABLE hotel.webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL,
        event_id uuid NOT NULL REFERENCES hotel.booking_events (id) ON DELETE CASCADE,
        event_txid xid8 NOT NULL,
        event_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        give_up_after timestamptz,
        lease_until timestamptz,
        lease_token uuid,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        last_duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON COLUMN hotel.webhook_deliveries.give_up_after IS 'NULL: the event time plus the retry window'`,
    );
    // The queue: each endpoint's pending deliveries in event order (its head is the next to send).
    await q.query(`CREATE INDEX webhook_deliveries_queue_idx ON hotel.webhook_deliveries
      (endpoint_id, event_txid, event_id) WHERE status = 'pending'`);
    // The oldest pending event (the outbox lag).
    await q.query(`CREATE INDEX webhook_deliveries_pending_at_idx ON hotel.webhook_deliveries (event_at)
      WHERE status = 'pending'`);
    // An endpoint's deliveries, newest first.
    await q.query(`CREATE INDEX webhook_deliveries_endpoint_created_at_idx ON hotel.webhook_deliveries
      (endpoint_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hotel.webhook_deliveries');
    await q.query('DROP TABLE hotel.webhook_endpoints');
    await q.query('ALTER TABLE hotel.booking_events DROP COLUMN booking');
  }
}
