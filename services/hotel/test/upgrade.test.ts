/**
 * The front-desk migrations on a database of the previous release, with its bookings, while
 * that release keeps writing (rolling upgrade, or after a rollback): every booking gets a
 * guest profile and a reference, the audit trail says the system gave them, and rows the
 * previous release inserts afterwards are filled by the legacy-insert trigger.
 */
import { randomUUID } from 'node:crypto';
import { migrateHotel } from '@myhotel/hotel';
import { superQuery, type TestDatabase } from '../../../test/support/database';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

const accounts = { a: randomUUID(), b: randomUUID(), late: randomUUID() };
const reference = /^MH-[2-9A-HJKMNP-TV-Z]{6}$/;
let roomId: string;
let h: HotelHarness;

/** A booking exactly as the previous release inserted it (no guest, no reference). */
async function insertAsPreviousRelease(db: TestDatabase, userId: string, offset: number, status = 'pending') {
  const id = randomUUID();
  await superQuery(
    db,
    `INSERT INTO hotel.bookings
       (id, user_id, room_id, check_in, check_out, guests, status, price_per_night, total_price, notes, created_by,
        cancelled_at)
     SELECT $1, $2, r.id, $4::date, $5::date, 1, $6, r.price_per_night, r.price_per_night * ($5::date - $4::date),
            NULL, $2, CASE WHEN $6 = 'cancelled' THEN now() END
     FROM hotel.rooms r WHERE r.id = $3`,
    [id, userId, roomId, day(offset), day(offset + 1), status],
  );
  return id;
}

beforeAll(async () => {
  h = await startHotelForTest({
    beforeMigrations: async (env, db) => {
      await migrateHotel(env, { upTo: 'CreateHotelTables1764100000000' });
      const [room] = await superQuery<{ id: string }>(
        db,
        `INSERT INTO hotel.rooms (number, type, capacity, price_per_night) VALUES ('U1', 'double', 2, 90) RETURNING id`,
      );
      roomId = room!.id;
      // More bookings than one back-fill batch (1000): 1 200 of account a, one of b (cancelled).
      await superQuery(
        db,
        `INSERT INTO hotel.bookings (id, user_id, room_id, check_in, check_out, guests, status, price_per_night,
                                     total_price, created_by)
         SELECT gen_random_uuid(), $1, $2, current_date + 2 * i, current_date + 2 * i + 1, 1, 'confirmed', 90, 90, $1
         FROM generate_series(10, 1209) AS i`,
        [accounts.a, roomId],
      );
      await insertAsPreviousRelease(db, accounts.b, 3, 'cancelled');
    },
  });
});
afterAll(() => h.close());

describe('upgrading a live database to the front desk', () => {
  it('gives each account with bookings one placeholder guest profile, and each booking that profile and a unique reference', async () => {
    const guests = await superQuery<{
      user_id: string;
      name: string;
      email: string | null;
      claims_pending: boolean;
    }>(h.db, 'SELECT user_id, name, email, claims_pending FROM hotel.guests ORDER BY name');
    expect(guests).toEqual(
      [accounts.a, accounts.b]
        .map((id) => ({ user_id: id, name: `Guest ${id.slice(0, 8)}`, email: null, claims_pending: true }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    );
    const [summary] = await superQuery<Record<string, number>>(
      h.db,
      `SELECT count(*)::int AS bookings, count(DISTINCT reference)::int AS refs,
              count(*) FILTER (WHERE g.user_id IS DISTINCT FROM b.user_id)::int AS mismatched,
              count(*) FILTER (WHERE b.version <> 1)::int AS versioned
       FROM hotel.bookings b JOIN hotel.guests g ON g.id = b.guest_id`,
    );
    expect(summary).toEqual({ bookings: 1201, refs: 1201, mismatched: 0, versioned: 0 });
    const refs = await superQuery<{ reference: string }>(h.db, 'SELECT reference FROM hotel.bookings');
    expect(refs.every((r) => reference.test(r.reference))).toBe(true);
  });

  it('records the back-fill in the audit trail, by the system', async () => {
    const events = await superQuery<{ n: number; actors: number; actions: string[]; same: number }>(
      h.db,
      `SELECT count(*)::int AS n, count(actor_user_id)::int AS actors, array_agg(DISTINCT action) AS actions,
              count(*) FILTER (WHERE from_status = to_status
                AND changes -> 'reference' ->> 'to' = (SELECT reference FROM hotel.bookings WHERE id = booking_id)
                AND changes -> 'guest_id' ->> 'to' = (SELECT guest_id::text FROM hotel.bookings WHERE id = booking_id)
              )::int AS same
       FROM hotel.booking_events`,
    );
    expect(events[0]).toEqual({ n: 1201, actors: 0, actions: ['changed'], same: 1201 });
  });

  it('leaves guest and reference NOT NULL and every constraint validated', async () => {
    const columns = await superQuery<{ column_name: string; is_nullable: string }>(
      h.db,
      `SELECT column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'hotel' AND table_name = 'bookings' AND column_name IN ('guest_id', 'reference', 'user_id')
       ORDER BY column_name`,
    );
    expect(columns).toEqual([
      { column_name: 'guest_id', is_nullable: 'NO' },
      { column_name: 'reference', is_nullable: 'NO' },
      { column_name: 'user_id', is_nullable: 'YES' },
    ]);
    const unvalidated = await superQuery(
      h.db,
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'hotel' AND NOT c.convalidated`,
    );
    expect(unvalidated).toEqual([]);
    const invalidIndexes = await superQuery(
      h.db,
      `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'hotel' AND NOT i.indisvalid`,
    );
    expect(invalidIndexes).toEqual([]);
    expect(await migrateHotel(h.env)).toEqual([]);
  });

  it("fills the previous release's inserts made after the upgrade: the account's profile (or a new placeholder) and a reference", async () => {
    const again = await insertAsPreviousRelease(h.db, accounts.a, 1);
    const newcomer = await insertAsPreviousRelease(h.db, accounts.late, 1_501);
    const rows = await superQuery<{ id: string; reference: string; user_id: string; name: string }>(
      h.db,
      `SELECT b.id, b.reference, g.user_id, g.name FROM hotel.bookings b JOIN hotel.guests g ON g.id = b.guest_id
       WHERE b.id = ANY($1::uuid[])`,
      [[again, newcomer]],
    );
    expect(rows.find((r) => r.id === again)).toMatchObject({
      user_id: accounts.a,
      reference: expect.stringMatching(reference),
    });
    expect(rows.find((r) => r.id === newcomer)).toMatchObject({
      user_id: accounts.late,
      name: `Guest ${accounts.late.slice(0, 8)}`,
      reference: expect.stringMatching(reference),
    });
    expect(await h.count('guests', 'user_id = $1', [accounts.a])).toBe(1);
  });

  it("fills an account's placeholder from its next token's claims; its bookings then show the name", async () => {
    const account = await h.user('guest', accounts.b);
    const profile = await h.http.get('/api/guests/me').set(account.auth).expect(200);
    expect(profile.body).toMatchObject({
      name: `Test guest ${accounts.b.slice(0, 8)}`,
      email: `guest.${accounts.b.slice(0, 8)}@example.test`,
      user_id: accounts.b,
    });
    const [booking] = (await h.http.get('/api/bookings').set(account.auth).expect(200)).body.items;
    expect(booking).toMatchObject({
      status: 'cancelled',
      guest: { id: profile.body.id, name: profile.body.name },
    });
  });
});
