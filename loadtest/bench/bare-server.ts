/**
 * The baseline: a bare node:http + pg server running exactly the SQL of the hotel service's
 * data layer (the same query builders and statements), with no framework, validation, auth,
 * rules or logging. It is the ceiling for Node on this machine. Env: PORT, DATABASE_URL,
 * DB_POOL_MAX.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SqlQuery } from '@myhotel/common';
import { Pool, types, type PoolClient } from 'pg';
import {
  availabilityQuery,
  bookingChangeStatements,
  bookingListQuery,
  guestSearchQuery,
  roomByIdQuery,
} from '@myhotel/hotel';

types.setTypeParser(types.builtins.DATE, (value: string) => value);
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
});
const nightsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
/** The actor the bare server writes into the audit trail (it verifies no token). */
const benchActor = '00000000-0000-4000-8000-00000000beef';

function route(url: URL): { query: SqlQuery; limit: number } | undefined {
  const q = url.searchParams;
  const limit = Number(q.get('limit') ?? 20);
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

/** PATCH /api/bookings/{id}: the statements of the service's change, in one transaction. */
async function changeBooking(
  id: string,
  request: Record<string, unknown>,
  res: ServerResponse,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const [booking] = await run<Record<string, string | number>>(client, bookingChangeStatements.lock(id));
    if (!booking) {
      await client.query('ROLLBACK');
      res.writeHead(404).end();
      return;
    }
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
        },
        notice,
      ),
    );
    await client.query('COMMIT');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(after));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://bare');
    const booking = /^\/api\/bookings\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'PATCH' && booking) {
      await changeBooking(booking[1]!, await body(req), res);
      return;
    }
    const matched = route(url);
    if (!matched) {
      res.writeHead(404).end();
      return;
    }
    const { rows } = await pool.query(matched.query.text, matched.query.values);
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
