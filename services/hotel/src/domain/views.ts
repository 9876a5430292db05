import { isStaff, type Principal, type Versioned } from '@myhotel/common';
import type { BookingDetails } from '../data/booking-repository';
import type { AvailableRoom } from '../data/room-repository';
import type {
  BookingEventAction,
  BookingEventRecord,
  BookingStatus,
  FieldChanges,
  GuestRecord,
  Housekeeping,
  NotificationRecord,
  NotificationType,
  RoomRecord,
  RoomStatus,
} from '../data/records';

/** API shapes (snake_case, money and dates as strings, timestamps ISO 8601 UTC). */

/**
 * Who is looking: staff and admins see operational state (a room's status and housekeeping,
 * a guest's notes); anonymous callers and guests get the public view.
 */
export type Audience = 'public' | 'staff';
export const audienceOf = (principal: Principal | undefined): Audience =>
  principal && isStaff(principal) ? 'staff' : 'public';

export interface RoomView {
  id: string;
  number: string;
  type: string;
  capacity: number;
  price_per_night: string;
  status?: RoomStatus;
  housekeeping?: Housekeeping;
  created_at: string;
  updated_at: string;
}

export interface AvailabilityView {
  room: RoomView;
  nights: number;
  total_price: string;
}

interface CheckRecordView {
  performed_by: string;
  performed_at: string;
}

interface GuestSummaryView {
  id: string;
  name: string;
  email: string | null;
}

export interface BookingView {
  id: string;
  reference: string;
  guest: GuestSummaryView;
  user_id: string | null;
  room_id: string;
  room_number: string;
  check_in: string;
  check_out: string;
  nights: number;
  guests: number;
  status: BookingStatus;
  total_price: string;
  notes: string | null;
  check_in_record: CheckRecordView | null;
  check_out_record: CheckRecordView | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface BookingEventView {
  id: string;
  booking_id: string;
  action: BookingEventAction;
  actor_user_id: string | null;
  from_status: BookingStatus | null;
  to_status: BookingStatus;
  changes: FieldChanges;
  override: boolean;
  at: string;
}

export interface GuestView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes?: string | null;
  user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationView {
  id: string;
  booking_id: string | null;
  type: NotificationType;
  message: string;
  read_at: string | null;
  created_at: string;
}

const iso = (date: Date | string): string => new Date(date).toISOString();

export function toRoomView(room: RoomRecord, audience: Audience): RoomView {
  return {
    id: room.id,
    number: room.number,
    type: room.type,
    capacity: room.capacity,
    price_per_night: room.pricePerNight,
    ...(audience === 'staff' ? { status: room.status, housekeeping: room.housekeeping } : {}),
    created_at: iso(room.createdAt),
    updated_at: iso(room.updatedAt),
  };
}

export function toAvailabilityView(item: AvailableRoom, audience: Audience): AvailabilityView {
  return { room: toRoomView(item.room, audience), nights: item.nights, total_price: item.totalPrice };
}

export function toBookingView(b: BookingDetails): BookingView {
  const record = (r: BookingDetails['checkInRecord']) =>
    r ? { performed_by: r.performedBy, performed_at: iso(r.performedAt) } : null;
  return {
    id: b.id,
    reference: b.reference,
    guest: { id: b.guest.id, name: b.guest.name, email: b.guest.email },
    user_id: b.userId,
    room_id: b.roomId,
    room_number: b.roomNumber,
    check_in: b.checkIn,
    check_out: b.checkOut,
    nights: b.nights,
    guests: b.guests,
    status: b.status,
    total_price: b.totalPrice,
    notes: b.notes,
    check_in_record: record(b.checkInRecord),
    check_out_record: record(b.checkOutRecord),
    cancelled_at: b.cancelledAt ? iso(b.cancelledAt) : null,
    created_at: iso(b.createdAt),
    updated_at: iso(b.updatedAt),
  };
}

/** The booking with its version, for the ETag. */
export const versionedBooking = (b: BookingDetails): Versioned<BookingView> => ({
  value: toBookingView(b),
  version: b.version,
});

export function toBookingEventView(e: BookingEventRecord): BookingEventView {
  return {
    id: e.id,
    booking_id: e.bookingId,
    action: e.action,
    actor_user_id: e.actorUserId,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    changes: e.changes,
    override: e.override,
    at: iso(e.at),
  };
}

export function toGuestView(g: GuestRecord, audience: Audience): GuestView {
  return {
    id: g.id,
    name: g.name,
    email: g.email,
    phone: g.phone,
    ...(audience === 'staff' ? { notes: g.notes } : {}),
    user_id: g.userId,
    created_at: iso(g.createdAt),
    updated_at: iso(g.updatedAt),
  };
}

export function toNotificationView(n: NotificationRecord): NotificationView {
  return {
    id: n.id,
    booking_id: n.bookingId,
    type: n.type,
    message: n.message,
    read_at: n.readAt ? iso(n.readAt) : null,
    created_at: iso(n.createdAt),
  };
}
