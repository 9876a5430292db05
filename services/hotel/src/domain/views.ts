import type { BookingDetails } from '../data/booking-repository';
import type { AvailableRoom } from '../data/room-repository';
import type {
  BookingStatus,
  NotificationRecord,
  NotificationType,
  RoomRecord,
  RoomStatus,
} from '../data/records';

/** API shapes (snake_case, money and dates as strings, timestamps ISO 8601 UTC). */
export interface RoomView {
  id: string;
  number: string;
  type: string;
  capacity: number;
  price_per_night: string;
  status: RoomStatus;
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

export interface BookingView {
  id: string;
  user_id: string;
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

export interface NotificationView {
  id: string;
  booking_id: string | null;
  type: NotificationType;
  message: string;
  read_at: string | null;
  created_at: string;
}

const iso = (date: Date | string): string => new Date(date).toISOString();

export function toRoomView(room: RoomRecord): RoomView {
  return {
    id: room.id,
    number: room.number,
    type: room.type,
    capacity: room.capacity,
    price_per_night: room.pricePerNight,
    status: room.status,
    created_at: iso(room.createdAt),
    updated_at: iso(room.updatedAt),
  };
}

export function toAvailabilityView(item: AvailableRoom): AvailabilityView {
  return { room: toRoomView(item.room), nights: item.nights, total_price: item.totalPrice };
}

export function toBookingView(b: BookingDetails): BookingView {
  const record = (r: BookingDetails['checkInRecord']) =>
    r ? { performed_by: r.performedBy, performed_at: iso(r.performedAt) } : null;
  return {
    id: b.id,
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
