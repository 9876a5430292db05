/**
 * The shim's `k6/metrics` module: Counter (k6 v1.8.1 internal/js/modules/k6/metrics). Declared
 * in the init context, added to in VU code; Gauge, Rate and Trend are not implemented.
 */
import { checkMetricName } from '../metrics.ts';
import { emit, notImplemented, requireVuContext, vu, vuTags } from '../vu/state.ts';

export class Counter {
  readonly name: string;

  constructor(name: string, isTime = false) {
    if (!vu.initContext) throw new Error('metrics must be declared in the init context');
    if (isTime) notImplemented('a Counter of time values');
    checkMetricName(name);
    this.name = name;
    if (!vu.metrics.some((m) => m.name === name))
      vu.metrics.push({ name, type: 'counter', contains: 'default' });
  }

  /** Adds `value` (a number) with the VU's tags and `tags`; returns true as k6 does. */
  add(value: number, tags?: Record<string, string>): boolean {
    requireVuContext('Adding to metrics');
    const number = Number(value);
    if (Number.isNaN(number))
      throw new Error(`'${String(value)}' is an invalid value for metric '${this.name}'`);
    emit([{ metric: this.name, value: number, tags: { ...vuTags(), ...(tags ?? {}) } }]);
    return true;
  }
}

const unimplemented = (kind: string) =>
  class {
    constructor() {
      notImplemented(`k6/metrics ${kind}`);
    }
  };
export const Gauge = unimplemented('Gauge');
export const Rate = unimplemented('Rate');
export const Trend = unimplemented('Trend');

export default { Counter, Gauge, Rate, Trend };
