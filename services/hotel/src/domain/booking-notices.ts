import type { BookingDetails } from '../data/booking-repository';
import type { BookingEventAction, NotificationType } from '../data/records';

/** What the guest is told about an event of their booking (a notification, same transaction). */
export function notice(
  action: BookingEventAction,
  b: BookingDetails,
): { type: NotificationType; message: string } {
  const stay = `room ${b.roomNumber}, ${b.checkIn} → ${b.checkOut}`;
  const nights = `${b.nights} night${b.nights === 1 ? '' : 's'}`;
  switch (action) {
    case 'created':
      return {
        type: 'booking_created',
        message: `Your booking ${b.reference} for ${stay} (${nights}, ${b.totalPrice}) was received and awaits confirmation.`,
      };
    case 'changed':
      return {
        type: 'booking_changed',
        message: `Your booking ${b.reference} was changed: ${stay} (${nights}, ${b.guests} guest${b.guests === 1 ? '' : 's'}, ${b.totalPrice}).`,
      };
    case 'confirmed':
      return { type: 'booking_confirmed', message: `Your booking ${b.reference} for ${stay} is confirmed.` };
    case 'cancelled':
      return { type: 'booking_cancelled', message: `Your booking ${b.reference} for ${stay} was cancelled.` };
    case 'checked_in':
      return {
        type: 'booking_checked_in',
        message: `Welcome! You are checked in to room ${b.roomNumber} until ${b.checkOut}.`,
      };
    case 'checked_out':
      return {
        type: 'booking_checked_out',
        message: `You have checked out of room ${b.roomNumber}. Thank you for staying with us.`,
      };
    case 'no_show':
      return {
        type: 'booking_no_show',
        message: `Your booking ${b.reference} for ${stay} was marked as a no-show.`,
      };
  }
}
