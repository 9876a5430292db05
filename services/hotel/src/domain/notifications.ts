import { mapPage, NotFoundError, type ListQuery, type Page, type Principal } from '@myhotel/common';
import type { NotificationRepository, NotificationSortField } from '../data/notification-repository';
import { toNotificationView, type NotificationView } from './views';

/** A user's own notifications; anyone else's id answers 404. */
export class NotificationService {
  constructor(private readonly notifications: NotificationRepository) {}

  async list(
    principal: Principal,
    query: ListQuery<NotificationSortField> & { unread?: boolean },
  ): Promise<Page<NotificationView>> {
    const page = await this.notifications.list({
      userId: principal.userId,
      unread: query.unread,
      sort: query.sort ?? '-created_at',
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toNotificationView);
  }

  async markRead(principal: Principal, id: string): Promise<NotificationView> {
    const notification = await this.notifications.markRead(id, principal.userId);
    if (!notification) throw new NotFoundError('Notification not found');
    return toNotificationView(notification);
  }
}
