/**
 * Rows of the hotel schema as the repositories return them, and the values its CHECK and
 * exclusion constraints allow (see the migrations for the tables).
 */

export type RoomStatus = 'available' | 'occupied' | 'maintenance';
export type Housekeeping = 'clean' | 'dirty' | 'inspected';

export interface RoomRecord {
  id: string;
  number: string;
  type: string;
  capacity: number;
  /** numeric(10,2) as text, e.g. "120.00" — never a float. */
  pricePerNight: string;
  status: RoomStatus;
  housekeeping: Housekeeping;
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
  /** Short public reference, e.g. MH-7Q4K2P (unique). */
  reference: string;
  guestId: string;
  /** The login account the booking belongs to (its guest profile's account); null for a walk-in. */
  userId: string | null;
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
  /** Incremented by every change and transition: the booking's ETag. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NotificationType =
  | 'booking_created'
  | 'booking_changed'
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

export interface GuestRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  userId: string | null;
  /** A placeholder of an account (name "Guest …", no email) until its token's claims are seen. */
  claimsPending: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What an audit event records; the use cases' actions in the past tense. */
export type BookingEventAction =
  'created' | 'changed' | 'confirmed' | 'cancelled' | 'checked_in' | 'checked_out' | 'no_show';

/** The webhook event type of an audit action: `booking.created`, `booking.checked_in`, … */
export const webhookEventType = (action: BookingEventAction) => `booking.${action}` as const;
export type WebhookEventType = ReturnType<typeof webhookEventType>;

/** Changed fields: name → old and new value, as the API shows them. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** One row of the audit trail (and of the outbox webhooks will be delivered from): self-contained. */
export interface BookingEventRecord {
  id: string;
  bookingId: string;
  actorUserId: string | null;
  action: BookingEventAction;
  fromStatus: BookingStatus | null;
  toStatus: BookingStatus;
  changes: FieldChanges;
  override: boolean;
  at: Date;
}

/** A webhook subscription (hotel.webhook_endpoints). */
export interface WebhookEndpointRecord {
  id: string;
  url: string;
  /** The event types delivered; null: every type. */
  eventTypes: WebhookEventType[] | null;
  description: string | null;
  enabled: boolean;
  /** The signing secret (`whsec_…`) and, until it expires, the one it replaced. */
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** The last attempt of a delivery: the status the endpoint answered, or why it did not. */
interface WebhookAttemptRecord {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One event for one subscription (hotel.webhook_deliveries), with its event. */
export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  action: BookingEventAction;
  bookingId: string;
  eventAt: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttempt: WebhookAttemptRecord | null;
  createdAt: Date;
}
