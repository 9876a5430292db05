/**
 * Stress: step beyond the expected load, to 100 / 200 / 300 concurrent visitors (up to about
 * 100 iterations/s), to find where latency budgets break.
 */
import type { Options } from 'k6/options';
import { setupData, teardownData, trafficOptions, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '2m', target: 100 },
    { duration: '3m', target: 100 },
    { duration: '2m', target: 200 },
    { duration: '3m', target: 200 },
    { duration: '2m', target: 300 },
    { duration: '3m', target: 300 },
    { duration: '2m', target: 0 },
  ],
  // Under stress we accept twice the latency budget, never errors.
  ...trafficOptions(2),
};
export const setup = (): SetupData => setupData(100);
export default vuTraffic;
export const teardown = teardownData;
