import {
  queryPage,
  sortOrders,
  sqlParams,
  type ListFilter,
  type Page,
  type PageQuery,
  type SqlQuery,
  type SqlRunner,
} from '@myhotel/common';
import { webhookEventType, type BookingEventRecord, type NotificationType } from './records';

export type NewBookingEvent = Omit<BookingEventRecord, 'id' | 'at' | 'override'> & {
  override?: boolean;
  /** The booking as the API shows it after the event: the payload of its webhooks. */
  booking: unknown;
};

/** What the booking's account is told of the event (a notification). */
export interface Notice {
  userId: string;
  type: NotificationType;
  message: string;
}

const eventOrders = sortOrders('e.id', { at: [{ sql: 'e.at', kind: 'timestamp' }] });
/** The trail's order: by time. */
export type EventSortField = 'at';

export interface BookingEventFilter extends ListFilter<EventSortField> {
  bookingId: string;
}

const eventColumns = `e.id, e.booking_id AS "bookingId", e.actor_user_id AS "actorUserId", e.action,
  e.from_status AS "fromStatus", e.to_status AS "toStatus", e.changes, e.override, e.at`;

/**
 * The one write path of a booking event, one statement (one round trip): the audit event (its
 * `at` is the transaction's time, as the change's `updated_at`) with the booking's snapshot —
 * the outbox row webhooks are sent from —, the account's notification if there is a notice,
 * and a delivery for every enabled webhook subscription that selects the event's type, each
 * stamped with the transaction's id (the order of delivery).
 */
export function bookingEventInsert(event: NewBookingEvent, notice?: Notice): SqlQuery {
  const values = [
    event.bookingId,
    event.actorUserId,
    event.action,
    event.fromStatus,
    event.toStatus,
    JSON.stringify(event.changes),
    event.override ?? false,
    JSON.stringify(event.booking),
    webhookEventType(event.action),
  ];
  const notification = notice
    ? `, notification AS (
        INSERT INTO hotel.notifications (user_id, booking_id, type, message) VALUES ($10, $1, $11, $12))`
    : '';
  return {
    text: `WITH event AS (
        INSERT INTO hotel.booking_events
          (booking_id, actor_user_id, action, from_status, to_status, changes, override, booking)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::json)
        RETURNING id, at)${notification}
      INSERT INTO hotel.webhook_deliveries (endpoint_id, event_id, event_txid, event_at)
      SELECT w.id, event.id, pg_current_xact_id(), event.at
      FROM event CROSS JOIN hotel.webhook_endpoints w
      WHERE w.enabled AND (w.event_types IS NULL OR $9 = ANY (w.event_types))`,
    values: notice ? [...values, notice.userId, notice.type, notice.message] : values,
  };
}

function eventListQuery(filter: BookingEventFilter): PageQuery {
  return eventOrders.pageQuery(
    filter,
    sqlParams([filter.bookingId]),
    (page) =>
      `SELECT ${eventColumns}, ${page.cursorColumn} FROM hotel.booking_events e
       ${page.where(['e.booking_id = $1'])} ${page.orderByLimit}`,
  );
}

/**
 * hotel.booking_events: the audit trail, written in the transaction of every create, change
 * and transition; its rows are self-contained, and they are the outbox webhooks are sent from.
 */
export class BookingEventStore {
  constructor(private readonly db: SqlRunner) {}

  /** Writes the event, and the notification of its notice if there is one. */
  async insert(event: NewBookingEvent, notice?: Notice): Promise<void> {
    const { text, values } = bookingEventInsert(event, notice);
    await this.db.query(text, values);
  }

  list(filter: BookingEventFilter): Promise<Page<BookingEventRecord>> {
    return queryPage(this.db, eventListQuery(filter));
  }
}
