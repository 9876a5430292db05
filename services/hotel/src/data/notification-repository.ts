import { newestFirst, queryOne, queryRows, sqlParams, type Page, type WithCursorAt } from '@myhotel/common';
import type { DataSource } from 'typeorm';
import type { NotificationRecord } from './records';

const newestNotificationsFirst = newestFirst('n');
const columns = `n.id, n.user_id AS "userId", n.booking_id AS "bookingId", n.type, n.message,
  n.read_at AS "readAt", n.created_at AS "createdAt"`;

export interface NotificationFilter {
  userId: string;
  unread?: boolean;
  limit: number;
  cursor?: string;
}

export class NotificationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A user's notifications, newest first, keyset-paginated on (created_at, id). */
  async list(filter: NotificationFilter): Promise<Page<NotificationRecord>> {
    const { values, param } = sqlParams([filter.userId]);
    const where = ['n.user_id = $1'];
    if (filter.unread === true) where.push('n.read_at IS NULL');
    if (filter.unread === false) where.push('n.read_at IS NOT NULL');
    const after = newestNotificationsFirst.after(filter.cursor, param);
    if (after) where.push(after);
    const rows = await queryRows<WithCursorAt<NotificationRecord>>(
      this.dataSource,
      `SELECT ${columns}, ${newestNotificationsFirst.cursorColumn} FROM hotel.notifications n
       WHERE ${where.join(' AND ')}
       ORDER BY ${newestNotificationsFirst.orderBy} LIMIT ${param(filter.limit + 1)}`,
      values,
    );
    return newestNotificationsFirst.toPage(rows, filter.limit);
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
