/**
 * Load: the expected busy day, 50 concurrent visitors (each thinking 1–5 s between pages, about
 * 17 iterations/s) for 10 minutes after a ramp. `k6 run loadtest/load.ts`
 */
import type { Options } from 'k6/options';
import { setupData, teardownData, trafficOptions, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '2m', target: 50 },
    { duration: '10m', target: 50 },
    { duration: '1m', target: 0 },
  ],
  ...trafficOptions(),
};
export const setup = (): SetupData => setupData(50);
export default vuTraffic;
export const teardown = teardownData;
