import { randomInt } from 'node:crypto';

/**
 * Booking references: `MH-` and six characters of an alphabet without look-alikes (no 0/O,
 * 1/I/L, U), drawn from crypto randomness: 30⁶ ≈ 729 million, revealing nothing about how
 * many bookings there are. Uniqueness is the database's (unique index; the use case draws
 * again on a collision).
 */
const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newBookingReference(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += alphabet[randomInt(alphabet.length)];
  return `MH-${code}`;
}

const typed = new RegExp(`^(?:MH-?)?([${alphabet}]{6})$`);

/** The reference a search text names (any case, `MH-` optional), or undefined. */
export function referenceIn(text: string): string | undefined {
  const code = typed.exec(text.trim().toUpperCase())?.[1];
  return code === undefined ? undefined : `MH-${code}`;
}
