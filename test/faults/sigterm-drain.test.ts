/**
 * Fault: SIGTERM to hotel under a steady keep-alive request stream, with a slow booking in
 * flight (its transaction waits on a room lock held by a separate superuser session).
 * Real process: hotel as a child process on a database of the shared test server.
 */
import { Agent } from 'node:http';
import { Client } from 'pg';
import { call, type Answer } from '../support/http-client';
import { createRooms, slotBooking, holdRoomLock } from '../support/booking-load';
import { releaseAll } from '../support/teardown';
import { superQuery, type TestDatabase } from '../support/database';
import type { tokenSigner } from '../support/tokens';
import { startHotelProcess, type ServiceProcess } from '../support/processes';
import { pollUntil } from '../../tooling/readiness';
import { day } from '../support/hotel';

jest.setTimeout(60_000);

const delayMs = 1000;
const timeoutMs = 5000;

let db: TestDatabase | undefined;
let jwks: { url: string; close(): Promise<void> } | undefined;
let hotel: ServiceProcess;
let signer: Awaited<ReturnType<typeof tokenSigner>>;
const agents: Agent[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  ({ db, jwks, signer, hotel } = await startHotelProcess({
    SHUTDOWN_DELAY_MS: String(delayMs),
    SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
  }));
});

afterAll(() => releaseAll({ agents, clients, jwks, db }));

describe('SIGTERM under load', () => {
  it('drains: readiness 503 first, in-flight requests answered, then refuses, exits 0 in time', async () => {
    const staff = await signer.bearer('staff');
    const admin = await signer.bearer('admin');
    const roomIds = await createRooms(hotel, admin, 6);
    const [slowRoom, ...otherRooms] = roomIds as [string, ...string[]];

    // Steady stream: 4 loops over one keep-alive pool (sockets are reused between requests).
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    agents.push(agent);
    const samples: Answer[] = [];
    let running = true;
    let slot = 0;
    let sigtermAt = Number.POSITIVE_INFINITY;
    const loops = Array.from({ length: 4 }, async (_, worker) => {
      while (running) {
        const n = slot++;
        const res =
          worker === 0
            ? await call(hotel.base, 'POST', '/api/bookings', {
                agent,
                headers: staff,
                body: slotBooking(otherRooms, n),
                timeoutMs: 15_000,
              })
            : await call(
                hotel.base,
                'GET',
                n % 2 ? '/api/rooms?limit=5' : `/api/availability?check_in=${day(3)}&check_out=${day(5)}`,
                { agent, timeoutMs: 15_000 },
              );
        samples.push(res);
        // The server stopped listening: this client is done.
        if (res.status === 0 && !res.reusedSocket && Date.now() - sigtermAt >= delayMs) return;
      }
    });

    // Readiness on fresh connections every 50 ms.
    const probes: Answer[] = [];
    let probing = true;
    const probeLoop = (async () => {
      while (probing) {
        probes.push(await call(hotel.base, 'GET', '/readyz', { timeoutMs: 5000 }));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    try {
      // The slow request: its transaction blocks on the room row locked by a superuser session,
      // and it goes out on a kept-alive connection that already served a request.
      const locker = await holdRoomLock(db!, slowRoom);
      clients.push(locker);
      const slowAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(slowAgent);
      expect((await call(hotel.base, 'GET', '/api/rooms?limit=1', { agent: slowAgent })).status).toBe(200);
      const slowBody = { room_id: slowRoom, check_in: day(40), check_out: day(42), guests: 2 };
      const slow = call(hotel.base, 'POST', '/api/bookings', {
        agent: slowAgent,
        headers: staff,
        body: slowBody,
        timeoutMs: 20_000,
      });
      await pollUntil(
        'the booking transaction to wait on the room lock',
        async () =>
          (
            await superQuery(
              db!,
              `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND usename = 'hotel' AND wait_event_type = 'Lock'`,
              [db!.name],
            )
          ).length > 0,
        10_000,
      );
      await pollUntil(
        'steady traffic',
        async () => samples.filter((s) => s.status < 300).length >= 30,
        15_000,
      );

      sigtermAt = Date.now();
      hotel.child.kill('SIGTERM');
      const notReady = await pollUntil(
        'readiness 503',
        async () => probes.find((p) => p.start >= sigtermAt && p.status === 503),
        5000,
      );
      const firstRefusal = await pollUntil(
        'the listener to close (connection refused)',
        async () => probes.find((p) => p.start >= sigtermAt && p.error === 'ECONNREFUSED'),
        delayMs + 5000,
      );
      // Drain in progress, listener closed: release the lock; the slow booking finishes now.
      const releasedAt = Date.now();
      await locker.query('ROLLBACK');
      const slowAnswer = await slow;
      const exit = await hotel.exited;
      running = false;
      probing = false;
      await Promise.all([...loops, probeLoop]);

      // The slow in-flight request got its real answer, and was told to close the connection.
      expect(slowAnswer.status).toBe(201);
      expect(slowAnswer.headers.connection).toBe('close');
      const slowId = (JSON.parse(slowAnswer.body) as { id: string }).id;
      expect(
        await superQuery(
          db!,
          `SELECT b.id FROM hotel.bookings b JOIN hotel.notifications n ON n.booking_id = b.id WHERE b.id = $1`,
          [slowId],
        ),
      ).toHaveLength(1);

      // Every request sent before readiness went 503 got its normal answer.
      const normal = (s: Answer) => s.status === 200 || s.status === 201;
      const before = samples.filter((s) => s.start <= notReady.end);
      expect(
        before.filter((s) => !normal(s)).map((s) => `${s.method} ${s.path} ${s.error ?? s.status}`),
      ).toEqual([]);
      // During the delay (readiness 503, listener open) requests were still served.
      const duringDelay = samples.filter(
        (s) => s.start > notReady.end && s.start < sigtermAt + delayMs * 0.8,
      );
      expect(duringDelay.length).toBeGreaterThan(0);
      expect(duringDelay.filter((s) => !normal(s)).map((s) => s.error ?? s.status)).toEqual([]);
      // Readiness answered 503 (not a refusal) while the listener was still open.
      expect(
        probes.filter((p) => p.start >= notReady.end && p.end < firstRefusal.start).length,
      ).toBeGreaterThan(0);

      // The only failures: new connections refused once the listener closed — after readiness
      // went 503 and after the delay. A connection opened at the very instant of the close can
      // also be reset before its request is read (Node's close() drops connections without a
      // request); on a fresh socket, the request was never processed, like a refusal. Never a
      // reset of a kept-alive socket, never a hang.
      const failed = samples.filter((s) => !normal(s));
      const describe = (s: Answer) =>
        `${s.error ?? s.status} ${s.path} reused=${s.reusedSocket} +${s.start - sigtermAt}..${s.end - sigtermAt} ms`;
      const refused = (s: Answer) =>
        !s.reusedSocket && (s.error === 'ECONNREFUSED' || s.error === 'ECONNRESET');
      expect(failed.filter((s) => !refused(s)).map(describe)).toEqual([]);
      const refusals = [...failed, ...probes.filter((p) => p.status === 0)];
      expect(refusals.filter((s) => !refused(s)).map(describe)).toEqual([]);
      for (const refusal of refusals) {
        expect(refusal.start).toBeGreaterThanOrEqual(notReady.start);
        expect(refusal.end - sigtermAt).toBeGreaterThanOrEqual(delayMs * 0.9);
      }
      const resets = refusals.filter((s) => s.error === 'ECONNRESET').length;

      // Clean exit within SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS.
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sigtermAt).toBeLessThan(delayMs + timeoutMs);

      console.warn(
        `[faults] SIGTERM drain: ${samples.length} requests (${samples.filter(normal).length} answered, ` +
          `${failed.length} refused after close, ${resets} of all refusals as a reset of a fresh connection); readyz 503 ${notReady.end - sigtermAt} ms after SIGTERM, ` +
          `${duringDelay.length} requests served during the delay; listener closed ${firstRefusal.end - sigtermAt} ms ` +
          `after SIGTERM; slow booking released at +${releasedAt - sigtermAt} ms answered ${slowAnswer.status} ` +
          `(Connection: ${slowAnswer.headers.connection}) after ${slowAnswer.ms} ms; exit code ${exit.code} ` +
          `${exit.at - sigtermAt} ms after SIGTERM`,
      );
    } finally {
      running = false;
      probing = false;
      await Promise.all([...loops, probeLoop]);
      if (hotel.child.exitCode === null && hotel.child.signalCode === null) console.warn(hotel.output());
    }
  });
});
