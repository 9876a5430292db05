import { requirePrincipal, sendVersioned, withLimit } from '@myhotel/common';
import { Router, type Request } from 'express';
import type { BookingAction } from '../domain/booking-state';
import type { BookingService } from '../domain/bookings';
import type { GuestService } from '../domain/guests';
import type { NotificationService } from '../domain/notifications';
import type { RoomService } from '../domain/rooms';
import type { WebhookService } from '../domain/webhooks';
import type { components, operations } from './generated/openapi';

type Schemas = components['schemas'];
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export interface HotelRouteDeps {
  rooms: RoomService;
  guests: GuestService;
  bookings: BookingService;
  notifications: NotificationService;
  webhooks: WebhookService;
}

/** Thin HTTP layer: the spec has validated the input; each handler calls one use case. */
export function hotelRoutes({ rooms, guests, bookings, notifications, webhooks }: HotelRouteDeps): Router {
  const router = Router();

  router.get('/api/rooms', async (req, res) => {
    const page: Schemas['RoomPage'] = await rooms.list(
      req.principal,
      withLimit(req.query as Query<'listRooms'>),
    );
    res.json(page);
  });

  router.post('/api/rooms', async (req, res) => {
    const room: Schemas['Room'] = await rooms.create(
      requirePrincipal(req.principal),
      req.body as Schemas['RoomCreate'],
    );
    res.status(201).location(`/api/rooms/${room.id}`).json(room);
  });

  router.get('/api/rooms/:id', async (req, res) => {
    const room: Schemas['Room'] = await rooms.get(req.principal, req.params.id);
    res.json(room);
  });

  router.patch('/api/rooms/:id', async (req, res) => {
    const room: Schemas['Room'] = await rooms.update(
      requirePrincipal(req.principal),
      req.params.id,
      req.body as Schemas['RoomUpdate'],
    );
    res.json(room);
  });

  router.delete('/api/rooms/:id', async (req, res) => {
    await rooms.delete(requirePrincipal(req.principal), req.params.id);
    res.status(204).end();
  });

  router.post('/api/rooms/:id/housekeeping', async (req, res) => {
    const room: Schemas['Room'] = await rooms.setHousekeeping(
      requirePrincipal(req.principal),
      req.params.id,
      (req.body as Schemas['HousekeepingChange']).housekeeping,
    );
    res.json(room);
  });

  router.get('/api/availability', async (req, res) => {
    const page: Schemas['AvailabilityPage'] = await rooms.availability(
      req.principal,
      withLimit(req.query as unknown as Query<'searchAvailability'>),
    );
    res.json(page);
  });

  router.get('/api/guests', async (req, res) => {
    const page: Schemas['GuestPage'] = await guests.list(
      requirePrincipal(req.principal),
      withLimit(req.query as Query<'listGuests'>),
    );
    res.json(page);
  });

  router.post('/api/guests', async (req, res) => {
    const guest: Schemas['Guest'] = await guests.create(
      requirePrincipal(req.principal),
      req.body as Schemas['GuestCreate'],
    );
    res.status(201).location(`/api/guests/${guest.id}`).json(guest);
  });

  router.get('/api/guests/me', async (req, res) => {
    const guest: Schemas['Guest'] = await guests.me(requirePrincipal(req.principal));
    res.json(guest);
  });

  router.get('/api/guests/:id', async (req, res) => {
    const guest: Schemas['Guest'] = await guests.get(requirePrincipal(req.principal), req.params.id);
    res.json(guest);
  });

  router.patch('/api/guests/:id', async (req, res) => {
    const guest: Schemas['Guest'] = await guests.update(
      requirePrincipal(req.principal),
      req.params.id,
      req.body as Schemas['GuestUpdate'],
    );
    res.json(guest);
  });

  router.get('/api/bookings', async (req, res) => {
    const page: Schemas['BookingPage'] = await bookings.list(
      requirePrincipal(req.principal),
      withLimit(req.query as Query<'listBookings'>),
    );
    res.json(page);
  });

  router.post('/api/bookings', async (req, res) => {
    const { result, replayed } = await bookings.create(
      requirePrincipal(req.principal),
      req.body as Schemas['BookingCreate'],
      req.get('Idempotency-Key'),
    );
    // A replay answers what the first request answered, and says so.
    if (replayed) res.set('Idempotent-Replayed', 'true');
    sendVersioned(req, res.location(`/api/bookings/${result.value.id}`), 201, result);
  });

  router.get('/api/bookings/:id', async (req, res) => {
    sendVersioned(req, res, 200, await bookings.get(requirePrincipal(req.principal), req.params.id));
  });

  router.patch('/api/bookings/:id', async (req, res) => {
    const booking = await bookings.change(
      requirePrincipal(req.principal),
      req.params.id,
      req.body as Schemas['BookingChange'],
      req.get('If-Match'),
    );
    sendVersioned(req, res, 200, booking);
  });

  router.get('/api/bookings/:id/events', async (req, res) => {
    const page: Schemas['BookingEventPage'] = await bookings.events(
      requirePrincipal(req.principal),
      req.params.id,
      withLimit(req.query as Query<'listBookingEvents'>),
    );
    res.json(page);
  });

  const actions: Record<string, BookingAction> = {
    confirm: 'confirm',
    cancel: 'cancel',
    'check-in': 'check_in',
    'check-out': 'check_out',
    'no-show': 'no_show',
  };
  for (const [path, action] of Object.entries(actions)) {
    router.post(`/api/bookings/:id/${path}`, async (req: Request<{ id: string }>, res) => {
      const options = (req.body ?? {}) as Schemas['CheckInOptions'];
      const booking = await bookings.transition(requirePrincipal(req.principal), req.params.id, action, {
        ifMatch: req.get('If-Match'),
        override: options.override,
      });
      sendVersioned(req, res, 200, booking);
    });
  }

  router.get('/api/notifications', async (req, res) => {
    const page: Schemas['NotificationPage'] = await notifications.list(
      requirePrincipal(req.principal),
      withLimit(req.query as Query<'listNotifications'>),
    );
    res.json(page);
  });

  router.post('/api/notifications/:id/read', async (req, res) => {
    const notification: Schemas['Notification'] = await notifications.markRead(
      requirePrincipal(req.principal),
      req.params.id,
    );
    res.json(notification);
  });

  router.get('/api/webhooks', async (req, res) => {
    const page: Schemas['WebhookPage'] = await webhooks.list(
      requirePrincipal(req.principal),
      withLimit(req.query as Query<'listWebhooks'>),
    );
    res.json(page);
  });

  router.post('/api/webhooks', async (req, res) => {
    const webhook: Schemas['Webhook'] = await webhooks.create(
      requirePrincipal(req.principal),
      req.body as Schemas['WebhookCreate'],
    );
    res.status(201).location(`/api/webhooks/${webhook.id}`).json(webhook);
  });

  router.get('/api/webhooks/:id', async (req, res) => {
    const webhook: Schemas['Webhook'] = await webhooks.get(requirePrincipal(req.principal), req.params.id);
    res.json(webhook);
  });

  router.patch('/api/webhooks/:id', async (req, res) => {
    const webhook: Schemas['Webhook'] = await webhooks.update(
      requirePrincipal(req.principal),
      req.params.id,
      req.body as Schemas['WebhookUpdate'],
    );
    res.json(webhook);
  });

  router.delete('/api/webhooks/:id', async (req, res) => {
    await webhooks.delete(requirePrincipal(req.principal), req.params.id);
    res.status(204).end();
  });

  router.post('/api/webhooks/:id/rotate-secret', async (req, res) => {
    const secret: Schemas['WebhookSecret'] = await webhooks.rotateSecret(
      requirePrincipal(req.principal),
      req.params.id,
    );
    res.json(secret);
  });

  router.get('/api/webhooks/:id/deliveries', async (req, res) => {
    const page: Schemas['WebhookDeliveryPage'] = await webhooks.deliveries(
      requirePrincipal(req.principal),
      req.params.id,
      withLimit(req.query as Query<'listWebhookDeliveries'>),
    );
    res.json(page);
  });

  router.post('/api/webhooks/:id/deliveries/:deliveryId/retry', async (req, res) => {
    const delivery: Schemas['WebhookDelivery'] = await webhooks.retry(
      requirePrincipal(req.principal),
      req.params.id,
      req.params.deliveryId,
    );
    res.status(202).json(delivery);
  });

  return router;
}
