import type { ClaimedDelivery } from '../data/webhook-queue';
import {
  webhookEventType,
  type WebhookDeliveryRecord,
  type WebhookDeliveryStatus,
  type WebhookEndpointRecord,
  type WebhookEventType,
} from '../data/records';

/** The webhooks' API shapes (snake_case, timestamps ISO 8601 UTC). */

export interface WebhookView {
  id: string;
  url: string;
  /** `['*']`: every type. */
  events: Array<WebhookEventType | '*'>;
  description: string | null;
  enabled: boolean;
  failing_since: string | null;
  consecutive_failures: number;
  previous_secret_expires_at: string | null;
  /** Only in the answer to creation. */
  secret?: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryView {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: WebhookEventType;
  booking_id: string;
  occurred_at: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_attempt: { at: string; status_code: number | null; error: string | null; duration_ms: number } | null;
  next_attempt_at: string | null;
  created_at: string;
}

/** The body of a delivery. */
export interface WebhookPayload {
  type: WebhookEventType;
  id: string;
  occurred_at: string;
  data: unknown;
}

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? iso(date) : null);

export function toWebhookView(w: WebhookEndpointRecord, now: Date = new Date()): WebhookView {
  const previousSigns = w.previousSecretExpiresAt !== null && w.previousSecretExpiresAt > now;
  return {
    id: w.id,
    url: w.url,
    events: w.eventTypes ?? ['*'],
    description: w.description,
    enabled: w.enabled,
    failing_since: isoOrNull(w.failingSince),
    consecutive_failures: w.consecutiveFailures,
    previous_secret_expires_at: previousSigns ? iso(w.previousSecretExpiresAt!) : null,
    created_at: iso(w.createdAt),
    updated_at: iso(w.updatedAt),
  };
}

export function toWebhookDeliveryView(d: WebhookDeliveryRecord): WebhookDeliveryView {
  const last = d.lastAttempt;
  return {
    id: d.id,
    webhook_id: d.endpointId,
    event_id: d.eventId,
    event_type: webhookEventType(d.action),
    booking_id: d.bookingId,
    occurred_at: iso(d.eventAt),
    status: d.status,
    attempts: d.attempts,
    last_attempt: last
      ? { at: iso(last.at), status_code: last.statusCode, error: last.error, duration_ms: last.durationMs }
      : null,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    created_at: iso(d.createdAt),
  };
}

export function webhookPayload(d: ClaimedDelivery): WebhookPayload {
  return { type: webhookEventType(d.action), id: d.eventId, occurred_at: iso(d.eventAt), data: d.booking };
}
