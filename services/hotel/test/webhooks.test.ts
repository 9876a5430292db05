import { createMetrics } from '@myhotel/common';
import { createWebhookWorker } from '@myhotel/hotel';
import { pollUntil } from '../../../tooling/readiness';
import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver';

let h: HotelHarness;
let receiver: WebhookReceiver;
const workers: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  // Subscriptions to the test's receiver on 127.0.0.1 are allowed (as the tests set in production-like runs too).
  h = await startHotelForTest({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
});
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await receiver.close();
  // Each test starts with no subscriptions (the events of other tests' bookings go nowhere).
  await h.dataSource.query('DELETE FROM hotel.webhook_deliveries; DELETE FROM hotel.webhook_endpoints');
});
afterAll(() => h.close());

/** A delivery worker on the test's database; fast polls and retries unless told otherwise. */
function startWorker(env: Record<string, unknown> = {}) {
  const metrics = createMetrics('hotel');
  const worker = createWebhookWorker({
    config: {
      ...h.config,
      env: {
        ...h.config.env,
        WEBHOOK_POLL_INTERVAL_MS: 20,
        WEBHOOK_RETRY_INITIAL_MS: 50,
        ...env,
      },
    },
    dataSource: h.dataSource,
    logger: h.logger,
    metrics,
  });
  worker.start();
  workers.push(worker);
  return { worker, metrics };
}

async function subscribe(body: Record<string, unknown> = {}) {
  const res = await h.http
    .post('/api/webhooks')
    .set(h.admin.auth)
    .send({ url: receiver.url, ...body });
  expect(res.status).toBe(201);
  receiver.secrets.push(res.body.secret as string);
  return res.body as { id: string; secret: string };
}

async function pendingBooking(offset = 5) {
  const room = await h.room();
  const res = await h.book(h.staff, { room_id: room.id, check_in: day(offset), check_out: day(offset + 2) });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const received = (count: number, what = `${count} deliveries`) =>
  pollUntil(what, async () => receiver.distinct().length >= count && receiver.distinct(), 20_000);

const deliveries = async (webhookId: string, query = '') =>
  (await h.http.get(`/api/webhooks/${webhookId}/deliveries${query}`).set(h.admin.auth).expect(200)).body
    .items as Array<Record<string, unknown>>;

describe('webhook subscriptions', () => {
  it('are created with a secret shown once, then read, changed, listed and deleted', async () => {
    const created = await h.http
      .post('/api/webhooks')
      .set(h.admin.auth)
      .send({
        url: receiver.url,
        events: ['booking.created', 'booking.cancelled'],
        description: 'channel manager',
      })
      .expect(201);
    expect(created.headers.location).toBe(`/api/webhooks/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.any(String),
      url: receiver.url,
      events: ['booking.created', 'booking.cancelled'],
      description: 'channel manager',
      enabled: true,
      failing_since: null,
      consecutive_failures: 0,
      previous_secret_expires_at: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id as string;
    const read = await h.http.get(`/api/webhooks/${id}`).set(h.admin.auth).expect(200);
    expect(read.body.secret).toBeUndefined();
    const changed = await h.http
      .patch(`/api/webhooks/${id}`)
      .set(h.admin.auth)
      .send({ events: ['*'], description: null, enabled: false })
      .expect(200);
    expect(changed.body).toMatchObject({ events: ['*'], description: null, enabled: false });
    const list = await h.http.get('/api/webhooks').set(h.admin.auth).expect(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    await h.http.delete(`/api/webhooks/${id}`).set(h.admin.auth).expect(204);
    // Gone: every operation on it answers 404.
    expectProblem(await h.http.get(`/api/webhooks/${id}`).set(h.admin.auth), 404);
    expectProblem(await h.http.patch(`/api/webhooks/${id}`).set(h.admin.auth).send({ enabled: true }), 404);
    expectProblem(await h.http.delete(`/api/webhooks/${id}`).set(h.admin.auth), 404);
    expectProblem(await h.http.post(`/api/webhooks/${id}/rotate-secret`).set(h.admin.auth), 404);
    expectProblem(await h.http.get(`/api/webhooks/${id}/deliveries`).set(h.admin.auth), 404);
  });

  it('refuse URLs that are not http(s), carry credentials or name non-public hosts (unless allowed)', async () => {
    const strict = await startHotelForTest();
    try {
      for (const url of [
        'http://127.0.0.1:8080/hooks',
        'http://[::1]/hooks',
        'https://10.1.2.3/hooks',
        'http://169.254.169.254/latest/meta-data',
        'http://[fd00::1]/hooks',
        'http://[::ffff:192.168.0.1]/hooks',
        'http://localhost/hooks',
        'http://postgres:5432/',
        'https://user:secret@example.com/hooks',
        'ftp://example.com/hooks',
      ]) {
        const res = await strict.http.post('/api/webhooks').set(strict.admin.auth).send({ url });
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expectProblem(res, 400);
      }
      await strict.http
        .post('/api/webhooks')
        .set(strict.admin.auth)
        .send({ url: 'https://hooks.example.com/myhotel' })
        .expect(201);
      const mixed = await strict.http
        .post('/api/webhooks')
        .set(strict.admin.auth)
        .send({ url: 'https://hooks.example.com/x', events: ['*', 'booking.created'] });
      expectProblem(mixed, 400);
    } finally {
      await strict.close();
    }
  });
});

describe('webhook deliveries', () => {
  it('deliver every booking event once, in order, signed, with the booking as the API showed it', async () => {
    const webhook = await subscribe();
    startWorker();
    const booking = await pendingBooking();
    const afterCreate = (await h.http.get(`/api/bookings/${booking.id}`).set(h.staff.auth)).body;
    const etag = (await h.http.get(`/api/bookings/${booking.id}`).set(h.staff.auth)).headers.etag as string;
    const changed = await h.http
      .patch(`/api/bookings/${booking.id}`)
      .set({ ...h.staff.auth, 'If-Match': etag })
      .send({ guests: 2 })
      .expect(200);
    const confirmed = await h.http.post(`/api/bookings/${booking.id}/confirm`).set(h.staff.auth).expect(200);
    const cancelled = await h.http.post(`/api/bookings/${booking.id}/cancel`).set(h.staff.auth).expect(200);

    const events = await received(4);
    expect(events.map((e) => e.payload.type)).toEqual([
      'booking.created',
      'booking.changed',
      'booking.confirmed',
      'booking.cancelled',
    ]);
    expect(events.map((e) => e.payload.data)).toEqual([
      afterCreate,
      changed.body,
      confirmed.body,
      cancelled.body,
    ]);
    const trail = (await h.http.get(`/api/bookings/${booking.id}/events`).set(h.staff.auth)).body
      .items as Array<{
      id: string;
      at: string;
    }>;
    expect(events.map((e) => [e.webhookId, e.payload.id, e.payload.occurred_at])).toEqual(
      trail.map((event) => [event.id, event.id, event.at]),
    );
    // Signed with the subscription's secret, per Standard Webhooks; answered 204 once each.
    expect(events.map((e) => e.verifiedWith)).toEqual([0, 0, 0, 0]);
    expect(events.map((e) => e.signature)).toEqual(
      events.map(() => expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/)),
    );
    expect(receiver.received).toHaveLength(4);

    const list = await pollUntil(
      'the deliveries recorded',
      async () => {
        const items = await deliveries(webhook.id);
        return items.every((d) => d.status === 'succeeded') && items;
      },
      10_000,
    );
    expect(list[0]).toEqual({
      id: expect.any(String),
      webhook_id: webhook.id,
      event_id: trail[3]!.id,
      event_type: 'booking.cancelled',
      booking_id: booking.id,
      occurred_at: trail[3]!.at,
      status: 'succeeded',
      attempts: 1,
      last_attempt: {
        at: expect.any(String),
        status_code: 204,
        error: null,
        duration_ms: expect.any(Number),
      },
      next_attempt_at: null,
      created_at: expect.any(String),
    });
  });

  it('go only to subscriptions that select the event type, and not to paused ones', async () => {
    await subscribe({ events: ['booking.cancelled'] });
    const paused = await subscribe({ enabled: false });
    startWorker();
    const booking = await pendingBooking();
    await h.http.post(`/api/bookings/${booking.id}/cancel`).set(h.staff.auth).expect(200);
    const [event] = await received(1);
    expect(event!.payload.type).toBe('booking.cancelled');
    expect(await deliveries(paused.id)).toEqual([]);
    expect(receiver.received).toHaveLength(1);
  });

  it('after a secret rotation are signed with the new and, for 24 hours, the old secret', async () => {
    const webhook = await subscribe();
    const rotated = await h.http
      .post(`/api/webhooks/${webhook.id}/rotate-secret`)
      .set(h.admin.auth)
      .expect(200);
    expect(rotated.body.secret).not.toBe(webhook.secret);
    const hours = (Date.parse(rotated.body.previous_secret_expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(
      (await h.http.get(`/api/webhooks/${webhook.id}`).set(h.admin.auth)).body.previous_secret_expires_at,
    ).toBe(rotated.body.previous_secret_expires_at);
    startWorker();
    await pendingBooking();
    const [event] = await received(1);
    const signatures = event!.signature.split(' ');
    expect(signatures).toHaveLength(2);
    // Either secret alone verifies it: a receiver on the old one and one on the new one both accept.
    receiver.secrets.splice(0, receiver.secrets.length, rotated.body.secret as string);
    await pendingBooking(9);
    const [, second] = await received(2);
    expect([event!.verifiedWith, second!.verifiedWith]).toEqual([0, 0]);
  });

  it('are retried with back-off until answered 2xx; a later event waits for the earlier one', async () => {
    const webhook = await subscribe();
    let failures = 2;
    receiver.answerWith(() => (failures-- > 0 ? 503 : 204));
    const { metrics } = startWorker();
    const first = await pendingBooking();
    const second = await pendingBooking(12);
    const events = await received(2);
    expect(events.map((e) => e.payload.data.id)).toEqual([first.id, second.id]);
    // The first event's three attempts all came before the second event's first one.
    expect(receiver.received.map((r) => [r.payload.data.id, r.answered])).toEqual([
      [first.id, 503],
      [first.id, 503],
      [first.id, 204],
      [second.id, 204],
    ]);
    const list = await pollUntil(
      'both delivered',
      async () => {
        const items = await deliveries(webhook.id, '?status=succeeded');
        return items.length === 2 && items;
      },
      10_000,
    );
    expect(list.map((d) => d.attempts)).toEqual([1, 3]);
    const counts = Object.fromEntries(
      (await metrics.registry.getSingleMetric('webhook_deliveries_total')!.get()).values.map((v) => [
        v.labels.outcome,
        v.value,
      ]),
    );
    expect(counts).toEqual({ retrying: 2, succeeded: 2 });
    expect(await metrics.registry.metrics()).toMatch(/^webhook_outbox_lag_seconds\{[^}]*\} \d/m);
  });

  it('are given up after the retry window; the endpoint is failing after 5 failures in a row; a manual retry sends it again', async () => {
    const webhook = await subscribe();
    receiver.answerWith(() => 500);
    startWorker({ WEBHOOK_RETRY_WINDOW_SECONDS: 1 });
    const first = await pendingBooking();
    const failed = await pollUntil(
      'the first delivery given up',
      async () => (await deliveries(webhook.id, '?status=failed'))[0],
      15_000,
    );
    expect(failed).toMatchObject({ booking_id: first.id, status: 'failed', next_attempt_at: null });
    expect(failed.last_attempt).toMatchObject({ status_code: 500, error: null });

    // Given up, it no longer holds up the next event; 5 failures in a row: failing.
    await pendingBooking(14);
    const failing = await pollUntil(
      'the endpoint failing',
      async () => {
        const res = await h.http.get(`/api/webhooks/${webhook.id}`).set(h.admin.auth);
        return res.body.failing_since !== null && res.body;
      },
      15_000,
    );
    expect(failing.consecutive_failures).toBeGreaterThanOrEqual(5);

    receiver.answerWith(() => 204);
    const retried = await h.http
      .post(`/api/webhooks/${webhook.id}/deliveries/${failed.id as string}/retry`)
      .set(h.admin.auth)
      .expect(202);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending' });
    await pollUntil(
      'the retried delivery delivered',
      async () => receiver.received.some((r) => r.payload.data.id === first.id && r.answered === 204),
      15_000,
    );
    const healthy = await pollUntil(
      'the endpoint healthy again',
      async () => {
        const res = await h.http.get(`/api/webhooks/${webhook.id}`).set(h.admin.auth);
        return res.body.failing_since === null && res.body;
      },
      15_000,
    );
    expect(healthy.consecutive_failures).toBe(0);
    expectProblem(
      await h.http
        .post(`/api/webhooks/${webhook.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`)
        .set(h.admin.auth),
      404,
    );
  });

  it('to a non-public address are refused at delivery time when private targets are not allowed', async () => {
    const webhook = await subscribe();
    startWorker({ WEBHOOK_ALLOW_PRIVATE_TARGETS: false });
    await pendingBooking();
    const [attempt] = await pollUntil(
      'a refused attempt',
      async () => {
        const items = await deliveries(webhook.id);
        return Number(items[0]?.attempts ?? 0) >= 1 && items;
      },
      15_000,
    );
    expect(attempt!.last_attempt).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/^refused/),
    });
    expect(receiver.received).toEqual([]);
  });
});
