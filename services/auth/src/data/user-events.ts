import {
  queryOne,
  queryPage,
  sortOrders,
  sqlParams,
  type ListFilter,
  type Page,
  type SqlRunner,
} from '@myhotel/common';
import type { FieldChanges, UserAction, UserEventRecord } from './records';

export interface NewUserEvent {
  userId: string;
  actorUserId: string | null;
  action: UserAction;
  changes: FieldChanges;
}

const eventOrders = sortOrders('e.id', { at: [{ sql: 'e.at', kind: 'timestamp' }] });
/** The trail's order: by time. */
export type EventSortField = 'at';

export interface UserEventFilter extends ListFilter<EventSortField> {
  userId: string;
}

const eventColumns = `e.id, e.user_id AS "userId", e.actor_user_id AS "actorUserId", e.action, e.changes, e.at`;

/** auth.user_events: written in the transaction of the account change it records. */
export class UserEventStore {
  constructor(private readonly db: SqlRunner) {}

  async insert(event: NewUserEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO auth.user_events (user_id, actor_user_id, action, changes) VALUES ($1, $2, $3, $4::jsonb)`,
      [event.userId, event.actorUserId, event.action, JSON.stringify(event.changes)],
    );
  }

  /** Whether the id ever had an account (every account has at least its `created` event). */
  async hadAccount(userId: string): Promise<boolean> {
    return (
      (await queryOne(this.db, 'SELECT 1 FROM auth.user_events WHERE user_id = $1 LIMIT 1', [userId])) !==
      null
    );
  }

  list(filter: UserEventFilter): Promise<Page<UserEventRecord>> {
    const { values, param } = sqlParams([filter.userId]);
    return queryPage(
      this.db,
      eventOrders.pageQuery(
        filter,
        { values, param },
        (page) =>
          `SELECT ${eventColumns}, ${page.cursorColumn} FROM auth.user_events e
           ${page.where(['e.user_id = $1'])} ${page.orderByLimit}`,
      ),
    );
  }
}
