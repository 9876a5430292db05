import { EntitySchema } from 'typeorm';
import type { BookingStatus } from '../domain/booking-state';

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

export const RoomEntity = new EntitySchema<RoomRecord>({
  name: 'Room',
  tableName: 'rooms',
  schema: 'hotel',
  columns: {
    id: { type: 'uuid', primary: true },
    number: { type: 'text' },
    type: { type: 'text' },
    capacity: { type: 'integer' },
    pricePerNight: { type: 'numeric', precision: 10, scale: 2, name: 'price_per_night' },
    status: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
    deletedAt: { type: 'timestamptz', name: 'deleted_at', nullable: true },
  },
});

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

export const BookingEntity = new EntitySchema<BookingRecord>({
  name: 'Booking',
  tableName: 'bookings',
  schema: 'hotel',
  columns: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', name: 'user_id' },
    roomId: { type: 'uuid', name: 'room_id' },
    checkIn: { type: 'date', name: 'check_in' },
    checkOut: { type: 'date', name: 'check_out' },
    guests: { type: 'integer' },
    status: { type: 'text' },
    pricePerNight: { type: 'numeric', precision: 10, scale: 2, name: 'price_per_night' },
    totalPrice: { type: 'numeric', precision: 12, scale: 2, name: 'total_price' },
    notes: { type: 'text', nullable: true },
    createdBy: { type: 'uuid', name: 'created_by' },
    cancelledAt: { type: 'timestamptz', name: 'cancelled_at', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

export interface CheckRecordRow {
  id: string;
  bookingId: string;
  performedBy: string;
  performedAt: Date;
}

const checkColumns = {
  id: { type: 'uuid', primary: true },
  bookingId: { type: 'uuid', name: 'booking_id' },
  performedBy: { type: 'uuid', name: 'performed_by' },
  performedAt: { type: 'timestamptz', name: 'performed_at' },
} as const;

export const CheckInEntity = new EntitySchema<CheckRecordRow>({
  name: 'CheckIn',
  tableName: 'check_ins',
  schema: 'hotel',
  columns: checkColumns,
});

export const CheckOutEntity = new EntitySchema<CheckRecordRow>({
  name: 'CheckOut',
  tableName: 'check_outs',
  schema: 'hotel',
  columns: checkColumns,
});

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

export const NotificationEntity = new EntitySchema<NotificationRecord>({
  name: 'Notification',
  tableName: 'notifications',
  schema: 'hotel',
  columns: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', name: 'user_id' },
    bookingId: { type: 'uuid', name: 'booking_id', nullable: true },
    type: { type: 'text' },
    message: { type: 'text' },
    readAt: { type: 'timestamptz', name: 'read_at', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
});

export interface IdempotencyKeyRecord {
  userId: string;
  key: string;
  requestHash: string;
  responseStatus: number | null;
  responseBody: unknown;
  bookingId: string | null;
  createdAt: Date;
}

export const IdempotencyKeyEntity = new EntitySchema<IdempotencyKeyRecord>({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  schema: 'hotel',
  columns: {
    userId: { type: 'uuid', name: 'user_id', primary: true },
    key: { type: 'text', primary: true },
    requestHash: { type: 'text', name: 'request_hash' },
    responseStatus: { type: 'integer', name: 'response_status', nullable: true },
    responseBody: { type: 'json', name: 'response_body', nullable: true },
    bookingId: { type: 'uuid', name: 'booking_id', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
});

export const hotelEntities = [
  RoomEntity,
  BookingEntity,
  CheckInEntity,
  CheckOutEntity,
  NotificationEntity,
  IdempotencyKeyEntity,
];
