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
import type { BookingEventRecord, NotificationType } from './records';

export type NewBookingEvent = Omit<BookingEventRecord, 'id' | 'at' | 'override'> & { override?: boolean };

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
 * The INSERT of one audit event (its `at` is the transaction's time, as the change's
 * `updated_at`) and, with a notice, of the account's notification: one statement, one round trip.
 */
export function bookingEventInsert(event: NewBookingEvent, notice?: Notice): SqlQuery {
  const insertEvent = `INSERT INTO hotel.booking_events
      (booking_id, actor_user_id, action, from_status, to_status, changes, override)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`;
  const eventValues = [
    event.bookingId,
    event.actorUserId,
    event.action,
    event.fromStatus,
    event.toStatus,
    JSON.stringify(event.changes),
    event.override ?? false,
  ];
  if (!notice) return { text: insertEvent, values: eventValues };
  return {
    text: `WITH event AS (${insertEvent})
      INSERT INTO hotel.notifications (user_id, booking_id, type, message) VALUES ($8, $1, $9, $10)`,
    values: [...eventValues, notice.userId, notice.type, notice.message],
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
 * and transition; its rows are self-contained, for the outbox that webhooks will be sent from.
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
