import {
  queryOne,
  queryPage,
  sortOrders,
  sqlParams,
  type ListFilter,
  type Page,
  type PageQuery,
} from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { NotificationRecord } from './records';

const notificationOrders = sortOrders('n.id', { created_at: [{ sql: 'n.created_at', kind: 'timestamp' }] });
export type NotificationSortField = 'created_at';

const columns = `n.id, n.user_id AS "userId", n.booking_id AS "bookingId", n.type, n.message,
  n.read_at AS "readAt", n.created_at AS "createdAt"`;

export interface NotificationFilter extends ListFilter<NotificationSortField> {
  userId: string;
  unread?: boolean;
}

/** A page of a user's notifications (`limit + 1` rows). Exported for the benchmark's bare server. */
export function notificationListQuery(filter: NotificationFilter): PageQuery {
  const { values, param } = sqlParams([filter.userId]);
  const where = ['n.user_id = $1'];
  if (filter.unread === true) where.push('n.read_at IS NULL');
  if (filter.unread === false) where.push('n.read_at IS NOT NULL');
  return notificationOrders.pageQuery(
    filter,
    { values, param },
    (page) =>
      `SELECT ${columns}, ${page.cursorColumn} FROM hotel.notifications n ${page.where(where)} ${page.orderByLimit}`,
  );
}

export class NotificationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A user's notifications in the filter's sort (default newest first), keyset-paginated. */
  list(filter: NotificationFilter): Promise<Page<NotificationRecord>> {
    return queryPage(this.dataSource, notificationListQuery(filter));
  }

  /** Marks one of the user's notifications read, keeping the first read_at; null if not theirs. */
  markRead(id: string, userId: string): Promise<NotificationRecord | null> {
    return queryOne(
      this.dataSource,
      `UPDATE hotel.notifications n SET read_at = COALESCE(n.read_at, now())
       WHERE n.id = $1 AND n.user_id = $2 RETURNING ${columns}`,
      [id, userId],
    );
  }
}
