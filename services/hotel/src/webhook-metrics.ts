import { Counter, Gauge, type Registry } from 'prom-client';
import type { DeliveryObserver } from './domain/webhook-delivery';

/**
 * The delivery worker's metrics: `webhook_deliveries_total{outcome}` (succeeded, retrying,
 * given_up: one per attempt) and `webhook_outbox_lag_seconds` (the age of the oldest event
 * not yet delivered to an enabled subscription; 0 when none waits).
 */
export function webhookMetrics(registry: Registry): DeliveryObserver {
  const deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (succeeded, retrying, given_up)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'webhook_outbox_lag_seconds',
    help: 'Age of the oldest booking event not yet delivered to an enabled webhook subscription',
    registers: [registry],
  });
  return {
    attempted: (outcome) => deliveries.inc({ outcome }),
    lag: (seconds) => lag.set(seconds),
  };
}
