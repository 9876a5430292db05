import { requirePrincipal, withLimit } from '@myhotel/common';
import { Router, type Request } from 'express';
import type { BookingAction } from '../domain/booking-state';
import type { BookingService } from '../domain/bookings';
import type { NotificationService } from '../domain/notifications';
import type { RoomService } from '../domain/rooms';
import type { components, operations } from './generated/openapi';

type Schemas = components['schemas'];
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export interface HotelRouteDeps {
  rooms: RoomService;
  bookings: BookingService;
  notifications: NotificationService;
}

/** Thin HTTP layer: the spec has validated the input; each handler calls one use case. */
export function hotelRoutes({ rooms, bookings, notifications }: HotelRouteDeps): Router {
  const router = Router();

  router.get('/api/rooms', async (req, res) => {
    const page: Schemas['RoomPage'] = await rooms.list(withLimit(req.query as Query<'listRooms'>));
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
    const room: Schemas['Room'] = await rooms.get(req.params.id);
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

  router.get('/api/availability', async (req, res) => {
    const page: Schemas['AvailabilityPage'] = await rooms.availability(
      withLimit(req.query as unknown as Query<'searchAvailability'>),
    );
    res.json(page);
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
    const booking: Schemas['Booking'] = result;
    // A replay answers what the first request answered, and says so.
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(201).location(`/api/bookings/${booking.id}`).json(booking);
  });

  router.get('/api/bookings/:id', async (req, res) => {
    const booking: Schemas['Booking'] = await bookings.get(requirePrincipal(req.principal), req.params.id);
    res.json(booking);
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
      const booking: Schemas['Booking'] = await bookings.transition(
        requirePrincipal(req.principal),
        req.params.id,
        action,
      );
      res.json(booking);
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

  return router;
}
