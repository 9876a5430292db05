import {
  queryOne,
  queryPage,
  sortOrders,
  sqlParams,
  type ListFilter,
  type Page,
  type SqlRunner,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type {
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookEventType,
} from './records';

const endpointColumns = `w.id, w.url, w.event_types AS "eventTypes", w.description, w.enabled, w.secret,
  w.previous_secret AS "previousSecret", w.previous_secret_expires_at AS "previousSecretExpiresAt",
  w.consecutive_failures AS "consecutiveFailures", w.failing_since AS "failingSince",
  w.created_by AS "createdBy", w.created_at AS "createdAt", w.updated_at AS "updatedAt"`;

/** A delivery with its event; `d` the delivery, `e` its booking event. */
const deliveryColumns = `d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", e.action,
  e.booking_id AS "bookingId", d.event_at AS "eventAt", d.status, d.attempts,
  d.next_attempt_at AS "nextAttemptAt", d.created_at AS "createdAt",
  CASE WHEN d.last_attempt_at IS NULL THEN NULL ELSE json_build_object(
    'at', d.last_attempt_at, 'statusCode', d.last_status_code, 'error', d.last_error,
    'durationMs', d.last_duration_ms) END AS "lastAttempt"`;

/** JSON renders timestamps as text: the last attempt's `at` back to a Date. */
function toDeliveryRecord(row: WebhookDeliveryRecord): WebhookDeliveryRecord {
  return row.lastAttempt
    ? { ...row, lastAttempt: { ...row.lastAttempt, at: new Date(row.lastAttempt.at) } }
    : row;
}

export type WebhookSortField = 'created_at';
const endpointOrders = sortOrders('w.id', { created_at: [{ sql: 'w.created_at', kind: 'timestamp' }] });
const deliveryOrders = sortOrders('d.id', { created_at: [{ sql: 'd.created_at', kind: 'timestamp' }] });

export interface DeliveryFilter extends ListFilter<WebhookSortField> {
  endpointId: string;
  status?: WebhookDeliveryStatus;
}

export interface NewWebhookEndpoint {
  url: string;
  eventTypes: WebhookEventType[] | null;
  description: string | null;
  enabled: boolean;
  secret: string;
  createdBy: string;
}

export type WebhookEndpointChange = Partial<
  Pick<WebhookEndpointRecord, 'url' | 'eventTypes' | 'description' | 'enabled'>
>;

/** hotel.webhook_endpoints and the deliveries of each, as the admin API reads and changes them. */
export class WebhookRepository {
  constructor(private readonly db: DataSource | SqlRunner) {}

  create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRecord> {
    return this.one(
      `INSERT INTO hotel.webhook_endpoints AS w (url, event_types, description, enabled, secret, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${endpointColumns}`,
      [
        endpoint.url,
        endpoint.eventTypes,
        endpoint.description,
        endpoint.enabled,
        endpoint.secret,
        endpoint.createdBy,
      ],
    );
  }

  list(filter: ListFilter<WebhookSortField>): Promise<Page<WebhookEndpointRecord>> {
    return queryPage(
      this.db,
      endpointOrders.pageQuery(
        filter,
        sqlParams(),
        (page) =>
          `SELECT ${endpointColumns}, ${page.cursorColumn} FROM hotel.webhook_endpoints w
           ${page.where([])} ${page.orderByLimit}`,
      ),
    );
  }

  find(id: string): Promise<WebhookEndpointRecord | null> {
    return queryOne(this.db, `SELECT ${endpointColumns} FROM hotel.webhook_endpoints w WHERE w.id = $1`, [
      id,
    ]);
  }

  /** Sets the given fields; null when there is no such endpoint. */
  update(id: string, change: WebhookEndpointChange): Promise<WebhookEndpointRecord | null> {
    const { values, param } = sqlParams([id]);
    const sets = ['updated_at = now()'];
    if (change.url !== undefined) sets.push(`url = ${param(change.url)}`);
    if (change.eventTypes !== undefined) sets.push(`event_types = ${param(change.eventTypes)}`);
    if (change.description !== undefined) sets.push(`description = ${param(change.description)}`);
    if (change.enabled !== undefined) sets.push(`enabled = ${param(change.enabled)}`);
    return queryOne(
      this.db,
      `UPDATE hotel.webhook_endpoints w SET ${sets.join(', ')} WHERE w.id = $1 RETURNING ${endpointColumns}`,
      values,
    );
  }

  /**
   * A new signing secret; the current one keeps signing for `overlapHours` (the one before it,
   * if any, stops at once). Null when there is no such endpoint.
   */
  rotateSecret(id: string, secret: string, overlapHours: number): Promise<WebhookEndpointRecord | null> {
    return queryOne(
      this.db,
      `UPDATE hotel.webhook_endpoints w
       SET previous_secret = w.secret, previous_secret_expires_at = now() + make_interval(hours => $3),
           secret = $2, updated_at = now()
       WHERE w.id = $1 RETURNING ${endpointColumns}`,
      [id, secret, overlapHours],
    );
  }

  /** Deletes the endpoint and its deliveries; false when there is no such endpoint. */
  async delete(id: string): Promise<boolean> {
    const deleted = await queryOne<{ id: string }>(
      this.db,
      `WITH deliveries AS (DELETE FROM hotel.webhook_deliveries WHERE endpoint_id = $1)
       DELETE FROM hotel.webhook_endpoints WHERE id = $1 RETURNING id`,
      [id],
    );
    return deleted !== null;
  }

  async deliveries(filter: DeliveryFilter): Promise<Page<WebhookDeliveryRecord>> {
    const { values, param } = sqlParams([filter.endpointId]);
    const where = ['d.endpoint_id = $1'];
    if (filter.status !== undefined) where.push(`d.status = ${param(filter.status)}`);
    const page = await queryPage<WebhookDeliveryRecord>(
      this.db,
      deliveryOrders.pageQuery(
        filter,
        { values, param },
        (keyset) =>
          `SELECT ${deliveryColumns}, ${keyset.cursorColumn}
           FROM hotel.webhook_deliveries d JOIN hotel.booking_events e ON e.id = d.event_id
           ${keyset.where(where)} ${keyset.orderByLimit}`,
      ),
    );
    return { ...page, items: page.items.map(toDeliveryRecord) };
  }

  /**
   * Queues one more attempt of a delivery, due now. A given-up or delivered one gets a single
   * attempt (it is given up again if that fails); a pending one keeps its retry window (and
   * its lease, if it is in flight).
   */
  async retry(endpointId: string, deliveryId: string): Promise<WebhookDeliveryRecord | null> {
    const row = await queryOne<WebhookDeliveryRecord>(
      this.db,
      `WITH retried AS (
         UPDATE hotel.webhook_deliveries d
         SET next_attempt_at = now(),
             give_up_after = CASE WHEN d.status = 'pending' THEN d.give_up_after ELSE now() END,
             status = 'pending'
         WHERE d.id = $2 AND d.endpoint_id = $1 RETURNING d.*)
       SELECT ${deliveryColumns} FROM retried d JOIN hotel.booking_events e ON e.id = d.event_id`,
      [endpointId, deliveryId],
    );
    return row && toDeliveryRecord(row);
  }

  private async one(text: string, values: unknown[]): Promise<WebhookEndpointRecord> {
    return (await queryOne<WebhookEndpointRecord>(this.db, text, values))!;
  }
}
