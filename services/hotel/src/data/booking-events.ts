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
import type { BookingEventRecord } from './records';

export type NewBookingEvent = Omit<BookingEventRecord, 'id' | 'at' | 'override'> & { override?: boolean };

const eventOrders = sortOrders('e.id', { at: [{ sql: 'e.at', kind: 'timestamp' }] });
/** The trail's order: by time. */
export type EventSortField = 'at';

export interface BookingEventFilter extends ListFilter<EventSortField> {
  bookingId: string;
}

const eventColumns = `e.id, e.booking_id AS "bookingId", e.actor_user_id AS "actorUserId", e.action,
  e.from_status AS "fromStatus", e.to_status AS "toStatus", e.changes, e.override, e.at`;

/** The INSERT of one audit event (its `at` is the transaction's time, as the change's `updated_at`). */
export function bookingEventInsert(event: NewBookingEvent): SqlQuery {
  return {
    text: `INSERT INTO hotel.booking_events
             (booking_id, actor_user_id, action, from_status, to_status, changes, override)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    values: [
      event.bookingId,
      event.actorUserId,
      event.action,
      event.fromStatus,
      event.toStatus,
      JSON.stringify(event.changes),
      event.override ?? false,
    ],
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

  async insert(event: NewBookingEvent): Promise<void> {
    const { text, values } = bookingEventInsert(event);
    await this.db.query(text, values);
  }

  list(filter: BookingEventFilter): Promise<Page<BookingEventRecord>> {
    return queryPage(this.db, eventListQuery(filter));
  }
}
