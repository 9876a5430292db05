import {
  ConflictError,
  ForbiddenError,
  mapPage,
  NotFoundError,
  requireRole,
  UnauthorizedError,
  type ListQuery,
  type Page,
  type Principal,
} from '@myhotel/common';
import type { Housekeeping, RoomStatus } from '../data/records';
import {
  DuplicateRoomNumberError,
  type AvailabilitySortField,
  type RoomChanges,
  type RoomRepository,
  type RoomSortField,
} from '../data/room-repository';
import { validateStay } from './dates';
import { audienceOf, toAvailabilityView, toRoomView, type AvailabilityView, type RoomView } from './views';

export interface RoomInput {
  number: string;
  type: string;
  capacity: number;
  price_per_night: string;
  status?: 'available' | 'maintenance';
}

export type RoomPatch = Partial<RoomInput>;

export interface RoomListQuery extends ListQuery<RoomSortField> {
  type?: string;
  status?: RoomStatus;
  housekeeping?: Housekeeping;
  min_capacity?: number;
}

export interface AvailabilityQuery extends ListQuery<AvailabilitySortField> {
  check_in: string;
  check_out: string;
  guests?: number;
  type?: string;
}

const duplicateNumber = () => new ConflictError('A room with this number already exists');
const roomNotFound = () => new NotFoundError('Room not found');

/**
 * Rooms and availability. Reads are public, in the public view (no status, no housekeeping:
 * whether a room is occupied or dirty is operational) unless staff or admins read. Admins
 * manage rooms; staff may only move a room into or out of maintenance and set its
 * housekeeping. `occupied` belongs to check-in/check-out alone.
 */
export class RoomService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly today: () => string,
  ) {}

  /** The status and housekeeping filters are operational: a token is needed (401), and staff's (403). */
  async list(principal: Principal | undefined, query: RoomListQuery): Promise<Page<RoomView>> {
    if (query.status !== undefined || query.housekeeping !== undefined) {
      if (!principal) throw new UnauthorizedError('The status and housekeeping filters need a bearer token');
      requireRole(principal, 'staff', 'admin');
    }
    const page = await this.rooms.list({
      type: query.type,
      status: query.status,
      housekeeping: query.housekeeping,
      minCapacity: query.min_capacity,
      sort: query.sort ?? 'number',
      limit: query.limit,
      cursor: query.cursor,
    });
    const audience = audienceOf(principal);
    return mapPage(page, (room) => toRoomView(room, audience));
  }

  async get(principal: Principal | undefined, id: string): Promise<RoomView> {
    const room = await this.rooms.findById(id);
    if (!room) throw roomNotFound();
    return toRoomView(room, audienceOf(principal));
  }

  /** Staff and admins: what housekeeping says of the room (check-out sets `dirty` by itself). */
  async setHousekeeping(principal: Principal, id: string, housekeeping: Housekeeping): Promise<RoomView> {
    requireRole(principal, 'staff', 'admin');
    return this.rooms.transaction(async (tx) => {
      if (!(await tx.lock(id, 'no key update'))) throw roomNotFound();
      return toRoomView(await tx.update(id, { housekeeping }), 'staff');
    });
  }

  async create(principal: Principal, input: RoomInput): Promise<RoomView> {
    requireRole(principal, 'admin');
    try {
      const room = await this.rooms.insert({
        number: input.number,
        type: input.type,
        capacity: input.capacity,
        pricePerNight: input.price_per_night,
        status: input.status ?? 'available',
      });
      return toRoomView(room, 'staff');
    } catch (err) {
      if (err instanceof DuplicateRoomNumberError) throw duplicateNumber();
      throw err;
    }
  }

  async update(principal: Principal, id: string, patch: RoomPatch): Promise<RoomView> {
    requireRole(principal, 'staff', 'admin');
    if (principal.role === 'staff' && Object.keys(patch).some((field) => field !== 'status')) {
      throw new ForbiddenError('Staff may only change the status of a room (maintenance)');
    }
    try {
      return await this.rooms.transaction(async (tx) => {
        const room = await tx.lock(id, 'no key update');
        if (!room) throw roomNotFound();
        if (patch.status !== undefined && room.status === 'occupied') {
          throw new ConflictError('The room is occupied; its status changes with check-out', {
            current_status: room.status,
          });
        }
        const changes: RoomChanges = {
          number: patch.number,
          type: patch.type,
          capacity: patch.capacity,
          pricePerNight: patch.price_per_night,
          status: patch.status,
        };
        return toRoomView(await tx.update(id, changes), 'staff');
      });
    } catch (err) {
      if (err instanceof DuplicateRoomNumberError) throw duplicateNumber();
      throw err;
    }
  }

  /** Refused while a booking still holds the room (checked in, or a stay not yet ended). */
  async delete(principal: Principal, id: string): Promise<void> {
    requireRole(principal, 'admin');
    await this.rooms.transaction(async (tx) => {
      const room = await tx.lock(id, 'update');
      if (!room) throw roomNotFound();
      if (await tx.hasActiveBookings(id, this.today())) {
        throw new ConflictError('The room has active or future bookings; cancel them first');
      }
      await tx.softDelete(id);
    });
  }

  async availability(
    principal: Principal | undefined,
    query: AvailabilityQuery,
  ): Promise<Page<AvailabilityView>> {
    const nights = validateStay(query.check_in, query.check_out);
    const page = await this.rooms.available({
      checkIn: query.check_in,
      checkOut: query.check_out,
      nights,
      guests: query.guests,
      type: query.type,
      sort: query.sort ?? 'total_price',
      limit: query.limit,
      cursor: query.cursor,
    });
    const audience = audienceOf(principal);
    return mapPage(page, (item) => toAvailabilityView(item, audience));
  }
}
