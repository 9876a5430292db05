/** Spike: a sudden burst of visitors (10 → 400 in 10 s, about 130 iterations/s), then recovery. */
import type { Options } from 'k6/options';
import { setupData, teardownData, trafficOptions, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '1m', target: 10 },
    { duration: '10s', target: 400 },
    { duration: '1m', target: 400 },
    { duration: '10s', target: 10 },
    { duration: '2m', target: 10 },
    { duration: '10s', target: 0 },
  ],
  // A burst may cost three times the latency budget, never errors.
  ...trafficOptions(3),
};
export const setup = (): SetupData => setupData(100);
export default vuTraffic;
export const teardown = teardownData;
