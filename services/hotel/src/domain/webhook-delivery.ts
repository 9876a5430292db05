import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { webhookHeaders, type Logger, type PostOptions, type PostOutcome } from '@myhotel/common';
import type { AttemptOutcome, ClaimedDelivery, WebhookQueue } from '../data/webhook-queue';
import { webhookPayload } from './webhook-views';

export interface DeliverySettings {
  allowPrivateTargets: boolean;
  /** How often an idle worker looks for due deliveries. */
  pollIntervalMs: number;
  /** The first retry's delay (then ×3 each time, at most `maxRetryDelayMs`, with jitter). */
  retryInitialMs: number;
  /** How long after its event a delivery is retried before it is given up. */
  retryWindowMs: number;
}

/** Sends one attempt (postToPublicUrl in production). */
export type Send = (url: string, body: string, options: PostOptions) => Promise<PostOutcome>;

/** Where the worker reports (metrics). */
export interface DeliveryObserver {
  attempted(outcome: 'succeeded' | 'retrying' | 'given_up'): void;
  lag(seconds: number): void;
}

/** Per attempt, from the start of the request to the response's status. */
const attemptTimeoutMs = 5000;
/** Failed attempts in a row after which an endpoint is failing. */
const failingAfter = 5;
const maxRetryDelayMs = 4 * 3_600_000;
/** A claim outlives the attempt's time limit by a margin; then another worker may take it up. */
const leaseSeconds = attemptTimeoutMs / 1000 + 10;
/** Endpoints served per round (each has at most one delivery in flight). */
const batchSize = 16;

/**
 * The delay before retry number `failures` (1 for the first retry): exponential (×3 from
 * `initialMs`, at most 4 h) with "equal jitter" (between half and all of it), so that
 * deliveries that failed together do not come back together.
 */
export function retryDelayMs(
  failures: number,
  initialMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(initialMs * 3 ** (failures - 1), maxRetryDelayMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** When a failed delivery is tried again, or null when it is given up (past its retry window). */
export function nextAttemptAt(
  delivery: Pick<ClaimedDelivery, 'attempts' | 'eventAt' | 'giveUpAfter'>,
  settings: Pick<DeliverySettings, 'retryInitialMs' | 'retryWindowMs'>,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(delivery.attempts + 1, settings.retryInitialMs, random));
  const deadline = delivery.giveUpAfter ?? new Date(delivery.eventAt.getTime() + settings.retryWindowMs);
  return next > deadline ? null : next;
}

const isSuccess = (outcome: PostOutcome) =>
  'status' in outcome && outcome.status >= 200 && outcome.status < 300;

/**
 * The delivery worker of one hotel process: claims due deliveries (at most one per endpoint,
 * the earliest event first; see WebhookQueue), sends each signed per Standard Webhooks, and
 * records the outcome — delivered, retried later with back-off, or given up. At least once:
 * a delivery is marked done only after its endpoint answered 2xx, so a crash, a lost claim or
 * a database outage between the two sends it again (receivers deduplicate by `webhook-id`).
 */
export class WebhookDispatcher {
  private running: Promise<void> | undefined;
  private stopping = new AbortController();
  private lagReportedAt = 0;

  constructor(
    private readonly queue: WebhookQueue,
    private readonly send: Send,
    private readonly settings: DeliverySettings,
    private readonly observer: DeliveryObserver,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  /** One round: claims due deliveries and sends them side by side; how many it claimed. */
  async deliverDue(): Promise<number> {
    const claimed = await this.queue.claim(batchSize, leaseSeconds, randomUUID());
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length;
  }

  /** Runs rounds until stopped: at once again while there is work, else after the poll interval. */
  start(): void {
    this.running ??= (async () => {
      let failures = 0;
      while (!this.stopping.signal.aborted) {
        let claimed = 0;
        try {
          claimed = await this.deliverDue();
          await this.reportLag();
          if (failures > 0) this.logger.info('webhook deliveries resumed');
          failures = 0;
        } catch (err) {
          // The database is away (the outbox waits for it): say so once, then keep trying.
          if (failures++ === 0) this.logger.warn({ err }, 'webhook deliveries paused: database unavailable');
        }
        if (claimed === 0) {
          await sleep(this.settings.pollIntervalMs, undefined, { signal: this.stopping.signal }).catch(
            () => undefined,
          );
        }
      }
    })();
  }

  /** Stops claiming; resolves once the attempts in flight are recorded. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(webhookPayload(delivery));
    const at = new Date();
    const outcome = await this.send(delivery.url, body, {
      headers: webhookHeaders(delivery.secrets, {
        id: delivery.eventId,
        body,
        timestamp: Math.floor(at.getTime() / 1000),
      }),
      timeoutMs: attemptTimeoutMs,
      allowPrivate: this.settings.allowPrivateTargets,
    });
    const attempt: AttemptOutcome = {
      at,
      statusCode: 'status' in outcome ? outcome.status : null,
      error: 'error' in outcome ? outcome.error : null,
      durationMs: outcome.durationMs,
    };
    try {
      await this.record(delivery, outcome, attempt);
    } catch (err) {
      // Sent but not recorded: the claim expires and it is sent again (at least once).
      this.logger.warn({ err, deliveryId: delivery.id }, 'webhook attempt not recorded; it will be repeated');
    }
  }

  private async record(
    delivery: ClaimedDelivery,
    outcome: PostOutcome,
    attempt: AttemptOutcome,
  ): Promise<void> {
    if (isSuccess(outcome)) {
      await this.queue.succeeded(delivery, attempt);
      this.observer.attempted('succeeded');
      return;
    }
    const next = nextAttemptAt(delivery, this.settings, new Date(), this.random);
    const health = await this.queue.failed(delivery, attempt, next, failingAfter);
    this.observer.attempted(next ? 'retrying' : 'given_up');
    const context = {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      attempt: delivery.attempts + 1,
    };
    if (!next)
      this.logger.warn(
        { ...context, outcome: attempt.statusCode ?? attempt.error },
        'webhook delivery given up',
      );
    if (health?.consecutiveFailures === failingAfter) {
      this.logger.warn(
        { endpointId: delivery.endpointId },
        `webhook endpoint failing: ${failingAfter} failures in a row`,
      );
    }
  }

  /** The outbox lag, at most once a second. */
  private async reportLag(): Promise<void> {
    if (Date.now() - this.lagReportedAt < 1000) return;
    this.lagReportedAt = Date.now();
    this.observer.lag(await this.queue.lagSeconds());
  }
}
