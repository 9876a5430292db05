import { nextAttemptAt, retryDelayMs } from '../src/domain/webhook-delivery';

const settings = { retryInitialMs: 5000, retryWindowMs: 24 * 3_600_000 };
const eventAt = new Date('2026-06-10T12:00:00Z');

describe('webhook retry schedule', () => {
  it('grows ×3 from the first delay up to 4 hours, jittered between half and all of it', () => {
    const ceilings = [1, 2, 3, 4, 8, 9, 20].map((n) => retryDelayMs(n, 5000, () => 1));
    expect(ceilings).toEqual([5000, 15_000, 45_000, 135_000, 10_935_000, 14_400_000, 14_400_000]);
    expect(retryDelayMs(3, 5000, () => 0)).toBe(22_500);
    expect(retryDelayMs(3, 5000, () => 0.5)).toBe(33_750);
  });

  it('retries for about 24 hours after the event, then gives up', () => {
    let now = eventAt;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAt({ attempts, eventAt, giveUpAfter: null }, settings, now, () => 1);
      if (!next) break;
      now = next;
      attempts += 1;
    }
    const hours = (now.getTime() - eventAt.getTime()) / 3_600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThanOrEqual(24);
    expect(attempts).toBeGreaterThanOrEqual(12);
    expect(attempts).toBeLessThanOrEqual(20);
  });

  it('after a manual retry, gives up at its first failure', () => {
    const now = new Date('2026-06-12T08:00:00Z');
    expect(nextAttemptAt({ attempts: 14, eventAt, giveUpAfter: now }, settings, now, () => 0)).toBeNull();
  });
});
