/**
 * Rows of the hotel schema as the repositories return them, and the values its CHECK and
 * exclusion constraints allow (see the migrations for the tables).
 */

export type RoomStatus = 'available' | 'occupied' | 'maintenance';

export interface RoomRecord {
  id: string;
  number: string;
  type: string;
  capacity: number;
  /** numeric(10,2) as text, e.g. "120.00" — never a float. */
  pricePerNight: string;
  status: RoomStatus;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export const bookingStatuses = [
  'pending',
  'confirmed',
  'checked_in',
  'checked_out',
  'cancelled',
  'no_show',
] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

/** States that hold the room: the ones the exclusion constraint `bookings_no_overlap` covers. */
export const activeStatuses: readonly BookingStatus[] = ['pending', 'confirmed', 'checked_in'];

export interface BookingRecord {
  id: string;
  userId: string;
  roomId: string;
  checkIn: string;
  checkOut: string;
  guests: number;
  status: BookingStatus;
  pricePerNight: string;
  totalPrice: string;
  notes: string | null;
  createdBy: string;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NotificationType =
  | 'booking_created'
  | 'booking_confirmed'
  | 'booking_cancelled'
  | 'booking_checked_in'
  | 'booking_checked_out'
  | 'booking_no_show';

export interface NotificationRecord {
  id: string;
  userId: string;
  bookingId: string | null;
  type: NotificationType;
  message: string;
  readAt: Date | null;
  createdAt: Date;
}
