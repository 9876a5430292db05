/**
 * Fault: webhooks survive a crash and a database outage. A receiver on 127.0.0.1 subscribes;
 * bookings are made, changed, confirmed and cancelled; the hotel process is killed (SIGKILL)
 * while a delivery is in flight, and PostgreSQL is stopped while another one is. In the end
 * the receiver has every event exactly once after de-duplication by `webhook-id`, in event
 * order, every request signed per Standard Webhooks (verified by the reference library).
 * Real processes: hotel as a child process, an embedded PostgreSQL of this test.
 */
import { call, type Answer } from '../support/http-client';
import { createRooms } from '../support/booking-load';
import { superQuery } from '../support/database';
import { day, migrateAll } from '../support/hotel';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { spawnService, type ServiceProcess } from '../support/processes';
import { serveJwks, tokenSigner } from '../support/tokens';
import { newSigningKeyPem } from '../support/auth';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { killAllNodeProcesses } from '../../tooling/node-process';
import { pollUntil } from '../../tooling/readiness';

jest.setTimeout(150_000);

let pg: OwnPostgres;
let jwks: Awaited<ReturnType<typeof serveJwks>>;
let receiver: WebhookReceiver;
let hotel: ServiceProcess;
let hotelEnv: Record<string, string>;
let signer: Awaited<ReturnType<typeof tokenSigner>>;

beforeAll(async () => {
  pg = await startOwnPostgres();
  const privateKey = newSigningKeyPem();
  await migrateAll(pg.db, privateKey);
  [jwks, signer, receiver] = await Promise.all([
    serveJwks(privateKey),
    tokenSigner(privateKey),
    startWebhookReceiver(),
  ]);
  hotelEnv = {
    DATABASE_URL: pg.db.urlFor('hotel'),
    JWKS_URL: jwks.url,
    // The receiver listens on 127.0.0.1: allowed for this test only.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_RETRY_INITIAL_MS: '200',
    DB_CONNECT_TIMEOUT_MS: '2000',
    DB_STATEMENT_TIMEOUT_MS: '2000',
  };
  hotel = await spawnService('hotel', hotelEnv);
});

afterAll(async () => {
  await killAllNodeProcesses();
  await receiver?.close();
  await jwks?.close();
  await pg?.destroy();
});

const ok = (answer: Answer, status: number): Record<string, unknown> => {
  if (answer.status !== status)
    throw new Error(`${answer.method} ${answer.path} → ${answer.status} ${answer.body}`);
  return answer.body ? (JSON.parse(answer.body) as Record<string, unknown>) : {};
};

/** The life of a stay as the front desk drives it: booked, changed, then confirmed or cancelled. */
async function stay(
  staff: Record<string, string>,
  roomId: string,
  offset: number,
  end: 'confirm' | 'cancel',
) {
  const booking = ok(
    await call(hotel.base, 'POST', '/api/bookings', {
      headers: staff,
      body: { room_id: roomId, check_in: day(offset), check_out: day(offset + 2), guests: 1 },
    }),
    201,
  );
  const path = `/api/bookings/${booking.id as string}`;
  ok(await call(hotel.base, 'PATCH', path, { headers: staff, body: { check_out: day(offset + 3) } }), 200);
  ok(await call(hotel.base, 'POST', `${path}/${end}`, { headers: staff }), 200);
}

/** Every booking event of the database, in the order they happened. */
const storedEvents = () =>
  superQuery<{ id: string; booking_id: string; action: string }>(
    pg.db,
    'SELECT id, booking_id, action FROM hotel.booking_events ORDER BY at, id',
  );

async function allDelivered(): Promise<number> {
  const events = await storedEvents();
  return pollUntil(
    `all ${events.length} events at the receiver`,
    async () => receiver.distinct().length >= events.length && events.length,
    60_000,
    100,
  );
}

test('every booking event arrives exactly once after de-duplication, signed and in order, across a SIGKILL and a database stop', async () => {
  const [admin, staff] = [await signer.bearer('admin'), await signer.bearer('staff')];
  const webhook = ok(
    await call(hotel.base, 'POST', '/api/webhooks', { headers: admin, body: { url: receiver.url } }),
    201,
  );
  receiver.secrets.push(webhook.secret as string);
  const rooms = await createRooms(hotel, admin, 6);

  // 1. Healthy: two stays, delivered as they happen.
  await stay(staff, rooms[0]!, 10, 'confirm');
  await stay(staff, rooms[1]!, 10, 'cancel');
  await allDelivered();

  // 2. The hotel process dies (SIGKILL) while a delivery waits for the receiver's answer; two
  //    more stays are queued behind it. A new process takes the delivery up once its claim expires.
  receiver.answerWith(() => 'hold');
  await stay(staff, rooms[2]!, 10, 'confirm');
  await pollUntil('a delivery in flight', async () => receiver.held() > 0, 20_000);
  await stay(staff, rooms[3]!, 10, 'cancel');
  hotel.child.kill('SIGKILL');
  const killed = await hotel.exited;
  expect(killed.signal).toBe('SIGKILL');
  receiver.answerWith(() => 204);
  receiver.release();
  const requestsBeforeRestart = receiver.received.length;
  hotel = await spawnService('hotel', hotelEnv);
  await allDelivered();
  const afterKill = receiver.received.length - requestsBeforeRestart;

  // 3. PostgreSQL stops while a delivery is in flight: the endpoint's 204 cannot be recorded,
  //    so the delivery is sent again once the database is back. Bookings go on afterwards.
  receiver.answerWith(() => 'hold');
  await stay(staff, rooms[4]!, 10, 'confirm');
  await pollUntil('a delivery in flight', async () => receiver.held() > 0, 20_000);
  await pg.stop();
  receiver.answerWith(() => 204);
  receiver.release();
  const during = await call(hotel.base, 'GET', '/api/webhooks', { headers: admin, timeoutMs: 15_000 });
  expect(during.status).toBe(503);
  await pg.start();
  await pollUntil(
    'hotel serving again',
    async () => (await call(hotel.base, 'GET', '/readyz')).status === 200,
    20_000,
  );
  await stay(staff, rooms[5]!, 10, 'cancel');
  const events = await allDelivered();

  // Exactly once after de-duplication, nothing unknown, in the order the events happened.
  const stored = await storedEvents();
  expect(stored).toHaveLength(events);
  expect(stored).toHaveLength(18);
  const distinct = receiver.distinct();
  expect(distinct.map((r) => r.webhookId)).toEqual(stored.map((e) => e.id));
  expect(distinct.map((r) => [r.payload.id, r.payload.type, r.payload.data.id])).toEqual(
    stored.map((e) => [e.id, `booking.${e.action}`, e.booking_id]),
  );
  // Every request, duplicates included, carries a valid Standard Webhooks signature.
  expect(receiver.received.filter((r) => r.verifiedWith === null)).toEqual([]);
  const duplicates = receiver.received.length - distinct.length;
  expect(duplicates).toBeGreaterThanOrEqual(2);
  // Each duplicate is a repeat of the same bytes (the same event, the same body).
  for (const r of receiver.received) {
    expect(r.body).toBe(distinct.find((d) => d.webhookId === r.webhookId)!.body);
  }
  expect(hotel.child.exitCode).toBeNull();

  // …and the outbox knows it: every delivery recorded as succeeded.
  await pollUntil(
    'every delivery recorded as succeeded',
    async () =>
      (
        await superQuery<{ n: number }>(
          pg.db,
          `SELECT count(*)::int AS n FROM hotel.webhook_deliveries WHERE status = 'succeeded'`,
        )
      )[0]!.n === 18,
    30_000,
  );
  console.warn(
    `[faults] webhooks: ${stored.length} events, ${receiver.received.length} requests received ` +
      `(${duplicates} duplicates, ${afterKill} requests after the SIGKILL restart), every event exactly once ` +
      `after de-duplication by webhook-id, in event order, all ${receiver.received.length} signatures verified ` +
      `(standardwebhooks); the hotel process survived the database stop`,
  );
});
