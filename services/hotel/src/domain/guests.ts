import {
  ConflictError,
  ForbiddenError,
  isStaff,
  mapPage,
  NotFoundError,
  requireRole,
  type ListQuery,
  type Page,
  type Principal,
} from '@myhotel/common';
import {
  AccountHasProfileError,
  type AccountProfile,
  type GuestChanges,
  type GuestRepository,
  type GuestSortField,
} from '../data/guest-repository';
import type { GuestRecord } from '../data/records';
import { audienceOf, toGuestView, type GuestView } from './views';

export interface GuestInput {
  name: string;
  email?: string;
  phone?: string;
  notes?: string;
  user_id?: string;
}

export interface GuestPatch {
  name?: string;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
  user_id?: string | null;
}

export interface GuestListQuery extends ListQuery<GuestSortField> {
  q?: string;
}

const guestNotFound = () => new NotFoundError('Guest profile not found');
const accountHasProfile = () => new ConflictError('This account already has a guest profile');

/**
 * An account's guest profile as its access token tells it: the `name` and `email` claims, or
 * a placeholder ("Guest 1a2b3c4d", no email) when the token has no name, filled in later.
 * Profiles are never matched to accounts by email (emails are not verified).
 */
export function accountProfile(principal: Principal): AccountProfile {
  return principal.name === undefined
    ? {
        userId: principal.userId,
        name: `Guest ${principal.userId.slice(0, 8)}`,
        email: null,
        claimsPending: true,
      }
    : {
        userId: principal.userId,
        name: principal.name.trim(),
        email: principal.email ?? null,
        claimsPending: false,
      };
}

/** A search text: the start of a name or email, or (phone characters only) of a phone number's digits. */
function searchOf(q: string | undefined): { prefix?: string; phoneDigits?: string } {
  if (q === undefined) return {};
  const phoneLike = /^\+?[0-9(][0-9 ().-]*$/.test(q.trim()) && /[0-9]/.test(q);
  return { prefix: q.trim(), ...(phoneLike ? { phoneDigits: q.replace(/\D/g, '') } : {}) };
}

/**
 * Guest profiles: staff and admins manage them all (walk-ins without an account, or linked
 * to one); a guest reads and edits their own, made from their token the first time.
 */
export class GuestService {
  constructor(private readonly guests: GuestRepository) {}

  /** The caller's own profile, made (or a placeholder filled in) from the token's claims. */
  async me(principal: Principal): Promise<GuestView> {
    return toGuestView(await this.guests.ofAccount(accountProfile(principal)), audienceOf(principal));
  }

  async create(principal: Principal, input: GuestInput): Promise<GuestView> {
    requireRole(principal, 'staff', 'admin');
    try {
      const guest = await this.guests.insert({
        name: input.name.trim(),
        email: input.email ?? null,
        phone: input.phone ?? null,
        notes: input.notes ?? null,
        userId: input.user_id ?? null,
      });
      return toGuestView(guest, 'staff');
    } catch (err) {
      if (err instanceof AccountHasProfileError) throw accountHasProfile();
      throw err;
    }
  }

  async list(principal: Principal, query: GuestListQuery): Promise<Page<GuestView>> {
    requireRole(principal, 'staff', 'admin');
    const page = await this.guests.list({
      ...searchOf(query.q),
      sort: query.sort ?? 'name',
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, (guest) => toGuestView(guest, 'staff'));
  }

  async get(principal: Principal, id: string): Promise<GuestView> {
    const guest = await this.guests.findById(id);
    if (!guest || !visible(principal, guest)) throw guestNotFound();
    return toGuestView(guest, audienceOf(principal));
  }

  /**
   * Staff and admins change any field; linking or unlinking an account moves the profile's
   * bookings with it (who sees them), each change in the bookings' audit trail. The guest
   * whose profile it is changes their name, email and phone.
   */
  async update(principal: Principal, id: string, patch: GuestPatch): Promise<GuestView> {
    if (!isStaff(principal) && (patch.notes !== undefined || patch.user_id !== undefined)) {
      throw new ForbiddenError('Only the front desk can change notes or the linked account');
    }
    try {
      return await this.guests.transaction(async (tx) => {
        const guest = await tx.lock(id);
        if (!guest || !visible(principal, guest)) throw guestNotFound();
        const changes: GuestChanges = {
          name: patch.name?.trim(),
          email: patch.email,
          phone: patch.phone,
          notes: patch.notes,
          userId: patch.user_id,
        };
        const updated = await tx.update(id, changes);
        if (patch.user_id !== undefined && patch.user_id !== guest.userId) {
          await tx.moveBookings(id, patch.user_id, principal.userId, {
            user_id: { from: guest.userId, to: patch.user_id },
          });
        }
        return toGuestView(updated, audienceOf(principal));
      });
    } catch (err) {
      if (err instanceof AccountHasProfileError) throw accountHasProfile();
      throw err;
    }
  }
}

const visible = (principal: Principal, guest: GuestRecord): boolean =>
  isStaff(principal) || (guest.userId !== null && guest.userId === principal.userId);
