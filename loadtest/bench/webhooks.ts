/**
 * What a webhook subscriber costs booking creation: the same open-loop booking load without
 * and with one subscription (a receiver in this process on loopback, answering 204), in
 * alternating rounds so that drift of the machine hits both alike. With the subscription,
 * every booking's transaction also queues a delivery and the hotel process's worker sends it;
 * after each such round the outbox is left to drain before the next one starts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { thorough } from './autocannon-run';
import { pacedRun, type PacedRequest, type PacedResult } from './paced';
import { isoDay } from './read-rows';
import { log, type BenchStack } from './stack';

export interface WebhookOverhead {
  rate: number;
  rounds: number;
  /** Per variant: the median round's numbers (by p99). */
  without: PacedResult;
  with: PacedResult;
  /** Deliveries the receiver got, and the longest wait for the outbox to drain after a round. */
  delivered: number;
  maxDrainMs: number;
}

const rounds = thorough ? 3 : 1;

const median = (results: PacedResult[]) => [...results].sort((a, b) => a.p99 - b.p99)[results.length >> 1]!;

/** `rate`: a fraction of the full stack's measured booking capacity, so it means the same load on any machine. */
export async function measureWebhookOverhead(
  stack: BenchStack,
  seconds: number,
  rate: number,
): Promise<WebhookOverhead> {
  let delivered = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const admin = { authorization: `Bearer ${stack.tokens.admin}`, 'content-type': 'application/json' };
  const api = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${stack.full.base}${path}`, {
      method,
      headers: admin,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (res.status === 204 ? {} : await res.json()) as { id: string };
  };
  const { port } = receiver.address() as AddressInfo;
  const subscription = await api('POST', '/api/webhooks', {
    url: `http://127.0.0.1:${port}/bench`,
    enabled: false,
  });

  // Distinct (room, night) per request, beyond the nights the other booking rows use.
  let sequence = 0;
  const booking = (): PacedRequest => {
    const n = sequence++;
    const night = 800 + Math.floor(n / stack.roomIds.length);
    return {
      method: 'POST',
      path: '/api/bookings',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.tokens.guest}` },
      body: JSON.stringify({
        room_id: stack.roomIds[n % stack.roomIds.length],
        check_in: isoDay(night),
        check_out: isoDay(night + 1),
        guests: 1,
      }),
    };
  };

  const results = { without: [] as PacedResult[], with: [] as PacedResult[] };
  let expected = 0;
  let maxDrainMs = 0;
  const drain = async () => {
    const drainStart = Date.now();
    while (delivered < expected && Date.now() - drainStart < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - drainStart;
  };
  try {
    // Warm-up: the JIT of the booking path with a delivery queued, and of the worker's.
    await api('PATCH', `/api/webhooks/${subscription.id}`, { enabled: true });
    expected += (await pacedRun(stack.full.base, 100, 3, booking)).ok;
    await drain();
    for (let round = 0; round < rounds; round++) {
      for (const variant of ['without', 'with'] as const) {
        await api('PATCH', `/api/webhooks/${subscription.id}`, { enabled: variant === 'with' });
        const result = await pacedRun(stack.full.base, rate, seconds, booking);
        results[variant].push(result);
        log(
          `POST /api/bookings [full, open loop @${rate}/s, ${variant} a webhook subscriber, round ${round + 1}]: ` +
            `p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ok ${result.ok}, non-2xx ${result.non2xx}, errors ${result.errors}`,
        );
        if (variant === 'without') continue;
        expected += result.ok;
        const drainMs = await drain();
        maxDrainMs = Math.max(maxDrainMs, drainMs);
        log(`webhooks: ${delivered} of ${expected} delivered, outbox drained ${drainMs} ms after the round`);
      }
    }
  } finally {
    await api('DELETE', `/api/webhooks/${subscription.id}`, undefined);
    receiver.closeAllConnections();
    receiver.close();
  }
  return {
    rate,
    rounds,
    without: median(results.without),
    with: median(results.with),
    delivered,
    maxDrainMs,
  };
}
