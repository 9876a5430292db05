/**
 * Paced (open-loop) load for the rollout and fault phases of the cluster test: requests start at
 * a fixed rate whatever the answers take, a mix of the hotel's typical traffic (availability
 * searches, room reads, bookings by logged-in guests), until stop(). Every outcome is kept with
 * its time, so a phase can say exactly which requests failed and when, and every booking the
 * API acknowledged (201) is remembered, to check later that none was lost.
 */
import { dayFromToday, type Room } from './api';

export interface LoadTarget {
  baseUrl: string;
  /** Rooms to search and book. */
  rooms: Room[];
  /** Access tokens of guests who book. */
  guestTokens: string[];
  /** Requests per second. */
  rate: number;
}

export interface Outcome {
  /** ms since the load started */
  at: number;
  kind: 'availability' | 'rooms' | 'room' | 'booking';
  /** HTTP status, or 0 for a network error or timeout */
  status: number;
  error?: string;
  /** Start of the body of an unexpected answer: who answered (a service's problem+json or a proxy). */
  detail?: string;
  /** The service's request id of an unexpected answer (to find it in the pod logs). */
  requestId?: string;
  /** How long the answer took. */
  ms?: number;
}

export interface LoadReport {
  outcomes: Outcome[];
  /** Ids of the bookings answered 201. */
  acknowledgedBookings: string[];
  startedAt: number;
}

/** A booking request that the API may legitimately refuse: the room is taken for those nights. */
const expectedStatuses: Record<Outcome['kind'], number[]> = {
  availability: [200],
  rooms: [200],
  room: [200],
  booking: [201, 409],
};

export const isFailure = (o: Outcome): boolean => !expectedStatuses[o.kind].includes(o.status);

export function summarize(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.status === 0 ? `error(${o.error ?? '?'})` : String(o.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort()
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
}

export class PacedLoad {
  private readonly outcomes: Outcome[] = [];
  private readonly acknowledged: string[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;
  private loop?: Promise<void>;
  private startedAt = 0;
  private sequence = 0;

  constructor(private readonly target: LoadTarget) {}

  start(): this {
    this.startedAt = Date.now();
    this.loop = this.run();
    return this;
  }

  /** Milliseconds since start(). */
  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  /** Stops starting requests, waits for those in flight, resolves with everything observed. */
  async stop(): Promise<LoadReport> {
    this.stopped = true;
    await this.loop;
    await Promise.all(this.inflight);
    return {
      outcomes: [...this.outcomes],
      acknowledgedBookings: [...this.acknowledged],
      startedAt: this.startedAt,
    };
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.target.rate;
    for (let i = 0; !this.stopped; i++) {
      const wait = this.startedAt + i * interval - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopped) break;
      const p = this.one().finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(Math.random() * items.length)]!;
  }

  /** One request of the mix: 60 % availability, 15 % room list, 15 % one room, 10 % a booking. */
  private async one(): Promise<void> {
    const n = this.sequence++;
    const r = Math.random();
    const offset = 400 + (n % 300);
    if (r < 0.6) {
      const q = `check_in=${dayFromToday(offset)}&check_out=${dayFromToday(offset + 2)}&guests=1`;
      return this.send('availability', 'GET', `/api/availability?${q}`);
    }
    if (r < 0.75) return this.send('rooms', 'GET', '/api/rooms?limit=20');
    if (r < 0.9) return this.send('room', 'GET', `/api/rooms/${this.pick(this.target.rooms).id}`);
    // a one-night stay far in the future on a random room: rarely taken, 409 when it is
    const body = {
      room_id: this.pick(this.target.rooms).id,
      check_in: dayFromToday(800 + (n % 2000)),
      check_out: dayFromToday(801 + (n % 2000)),
      guests: 1,
    };
    return this.send('booking', 'POST', '/api/bookings', body, this.pick(this.target.guestTokens));
  }

  private async send(
    kind: Outcome['kind'],
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<void> {
    const at = Date.now() - this.startedAt;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers['Content-Type'] = 'application/json';
    try {
      const res = await fetch(`${this.target.baseUrl}${path}`, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      const outcome: Outcome = { at, kind, status: res.status, ms: Date.now() - this.startedAt - at };
      if (isFailure(outcome)) {
        outcome.detail = text.slice(0, 160);
        outcome.requestId = /"request_id":"([^"]+)"/.exec(text)?.[1];
      }
      this.outcomes.push(outcome);
      if (kind === 'booking' && res.status === 201)
        this.acknowledged.push((JSON.parse(text) as { id: string }).id);
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      this.outcomes.push({
        at,
        kind,
        status: 0,
        error: e.cause?.code ?? e.name,
        ms: Date.now() - this.startedAt - at,
      });
    }
  }
}
