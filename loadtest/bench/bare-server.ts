/**
 * The baseline: a bare node:http + pg server running exactly the SQL of the hotel service's
 * data layer (the same query builders and statements), with no framework, validation, auth,
 * rules or logging. It is the ceiling for Node on this machine. Env: PORT, DATABASE_URL,
 * DB_POOL_MAX.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SqlQuery } from '@myhotel/common';
import { Pool, types, type PoolClient } from 'pg';
import { subjectOf } from './subject';
import {
  availabilityQuery,
  bookingChangeStatements,
  bookingCreateStatements,
  bookingListQuery,
  guestSearchQuery,
  newBookingReference,
  notificationListQuery,
  roomByIdQuery,
  roomListQuery,
} from '@myhotel/hotel';

types.setTypeParser(types.builtins.DATE, (value: string) => value);
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
});
const nightsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
/** The actor the bare server writes into the audit trail (it verifies no token). */
const benchActor = '00000000-0000-4000-8000-00000000beef';

/**
 * The caller's user id, read from the token's payload without verifying it (the bare server
 * does no auth; it needs the id only to run the same per-user SQL).
 */
const callerId = (req: IncomingMessage): string => subjectOf(req.headers.authorization ?? '');

function route(url: URL, req: IncomingMessage): { query: SqlQuery; limit: number } | undefined {
  const q = url.searchParams;
  const limit = Number(q.get('limit') ?? 20);
  if (url.pathname === '/api/rooms') {
    return { query: roomListQuery({ sort: 'number', limit }), limit };
  }
  if (url.pathname === '/api/notifications') {
    return { query: notificationListQuery({ userId: callerId(req), sort: '-created_at', limit }), limit };
  }
  if (url.pathname === '/api/availability') {
    const checkIn = q.get('check_in')!;
    const checkOut = q.get('check_out')!;
    const guests = q.get('guests');
    return {
      query: availabilityQuery({
        checkIn,
        checkOut,
        nights: nightsBetween(checkIn, checkOut),
        guests: guests ? Number(guests) : undefined,
        sort: 'total_price',
        limit,
      }),
      limit,
    };
  }
  const room = /^\/api\/rooms\/([0-9a-f-]{36})$/.exec(url.pathname);
  if (room) return { query: roomByIdQuery(room[1]!), limit: 1 };
  if (url.pathname === '/api/bookings') {
    return {
      query: bookingListQuery({
        status: (q.get('status') ?? undefined) as never,
        from: q.get('from') ?? undefined,
        to: q.get('to') ?? undefined,
        sort: '-created_at',
        limit,
      }),
      limit,
    };
  }
  if (url.pathname === '/api/guests') {
    return { query: guestSearchQuery({ prefix: q.get('q')?.trim(), sort: 'name', limit }), limit };
  }
  return undefined;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

const run = async <T>(client: PoolClient, { text, values }: SqlQuery) =>
  (await client.query(text, values)).rows as T[];

type Answer = [status: number, body?: unknown];

/**
 * `work` on one pooled client between BEGIN and COMMIT (ROLLBACK when it answers an error or
 * throws); its answer is sent after the commit, as the service does.
 */
async function inTransaction(
  res: ServerResponse,
  work: (client: PoolClient) => Promise<Answer>,
): Promise<void> {
  const client = await pool.connect();
  let answer: Answer;
  try {
    await client.query('BEGIN');
    answer = await work(client);
    await client.query(answer[0] < 300 ? 'COMMIT' : 'ROLLBACK');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const [status, payload] = answer;
  if (payload === undefined) res.writeHead(status).end();
  else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
}

/** PATCH /api/bookings/{id}: the statements of the service's change, in one transaction. */
function changeBooking(id: string, request: Record<string, unknown>, res: ServerResponse): Promise<void> {
  return inTransaction(res, async (client) => {
    const [booking] = await run<Record<string, string | number>>(client, bookingChangeStatements.lock(id));
    if (!booking) return [404];
    const change = {
      roomId: (request.room_id ?? booking.roomId) as string,
      checkIn: (request.check_in ?? booking.checkIn) as string,
      checkOut: (request.check_out ?? booking.checkOut) as string,
      guests: (request.guests ?? booking.guests) as number,
    };
    await run(client, bookingChangeStatements.room(change.roomId));
    await run(client, bookingChangeStatements.change(id, change));
    const [after] = await run<Record<string, string | number | null>>(
      client,
      bookingChangeStatements.details(id),
    );
    const notice = after!.userId
      ? {
          userId: String(after!.userId),
          type: 'booking_changed' as const,
          message: 'Your booking was changed.',
        }
      : undefined;
    await run(
      client,
      bookingChangeStatements.record(
        {
          bookingId: id,
          actorUserId: benchActor,
          action: 'changed',
          fromStatus: booking.status as never,
          toStatus: booking.status as never,
          changes: {
            guests: { from: booking.guests, to: change.guests },
            total_price: { from: booking.totalPrice, to: after!.totalPrice },
          },
          booking: after,
        },
        notice,
      ),
    );
    return [200, after];
  });
}

/**
 * POST /api/bookings by a guest: the statements of the service's creation, in one transaction
 * (profile, room lock, insert at the room's price under a fresh reference, details, audit
 * event with the notification).
 */
function createBooking(userId: string, request: Record<string, unknown>, res: ServerResponse): Promise<void> {
  return inTransaction(res, async (client) => {
    const [guest] = await run<{ id: string }>(client, bookingCreateStatements.guest(userId));
    const [room] = await run<{ id: string }>(client, bookingCreateStatements.room(String(request.room_id)));
    if (!guest || !room) return [guest ? 404 : 422];
    const id = randomUUID();
    const booking = {
      id,
      guestId: guest.id,
      userId,
      roomId: room.id,
      checkIn: String(request.check_in),
      checkOut: String(request.check_out),
      guests: Number(request.guests),
      notes: null,
      createdBy: userId,
    };
    // A taken reference inserts nothing: draw another, as the service does.
    let inserted = 0;
    while (inserted === 0) {
      const reference = newBookingReference();
      inserted = (await run(client, bookingCreateStatements.insert({ ...booking, reference }))).length;
    }
    const [details] = await run<Record<string, string | number | null>>(
      client,
      bookingCreateStatements.details(id),
    );
    const { reference, roomNumber, checkIn, checkOut, totalPrice } = details!;
    const created = {
      reference,
      room_id: room.id,
      check_in: checkIn,
      check_out: checkOut,
      total_price: totalPrice,
    };
    await run(
      client,
      bookingCreateStatements.record(
        {
          bookingId: id,
          actorUserId: userId,
          action: 'created',
          fromStatus: null,
          toStatus: 'pending',
          changes: Object.fromEntries(
            Object.entries(created).map(([field, to]) => [field, { from: null, to }]),
          ),
          booking: details,
        },
        {
          userId,
          type: 'booking_created',
          message: `Your booking ${reference} for room ${roomNumber}, ${checkIn} → ${checkOut} (${totalPrice}) was received and awaits confirmation.`,
        },
      ),
    );
    return [201, details];
  });
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://bare');
    if (req.method === 'POST' && url.pathname === '/api/bookings') {
      await createBooking(callerId(req), await body(req), res);
      return;
    }
    const booking = /^\/api\/bookings\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'PATCH' && booking) {
      await changeBooking(booking[1]!, await body(req), res);
      return;
    }
    const matched = route(url, req);
    if (!matched) {
      res.writeHead(404).end();
      return;
    }
    // Named statements prepared as the service prepares them (DB_PREPARED_STATEMENTS).
    const { rows } = await pool.query(matched.query);
    const page = matched.limit === 1 ? rows[0] : { items: rows.slice(0, matched.limit), next_cursor: null };
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'application/json' }).end(JSON.stringify(page ?? {}));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
// A clean exit on SIGTERM, so that --cpu-prof (BENCH_PROFILE=1) writes its profile.
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void pool.end().then(() => process.exit(0)));
});
