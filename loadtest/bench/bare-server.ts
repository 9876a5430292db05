/**
 * The baseline: a bare node:http + pg server running exactly the SQL of the hotel service's
 * data layer (the same query builders), with no framework, validation, auth or logging.
 * It is the ceiling for Node on this machine. Env: PORT, DATABASE_URL, DB_POOL_MAX.
 */
import { createServer } from 'node:http';
import type { SqlQuery } from '@myhotel/common';
import { Pool, types } from 'pg';
import { bookingListQuery, availabilityQuery, roomByIdQuery } from '@myhotel/hotel';

types.setTypeParser(types.builtins.DATE, (value: string) => value);
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
});
const nightsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

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
  return undefined;
}

createServer(async (req, res) => {
  const matched = route(new URL(req.url ?? '/', 'http://bare'));
  if (!matched) {
    res.writeHead(404).end();
    return;
  }
  try {
    const { rows } = await pool.query(matched.query.text, matched.query.values);
    const body = matched.limit === 1 ? rows[0] : { items: rows.slice(0, matched.limit), next_cursor: null };
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' }).end(JSON.stringify(body ?? {}));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
