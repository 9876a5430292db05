/** Smoke: 2 VUs for 1 minute — does every endpoint group answer, within budget? `k6 run loadtest/smoke.ts` */
import type { Options } from 'k6/options';
import { setupData, teardownData, trafficOptions, vuTraffic, type SetupData } from './lib/common.ts';

// About 50 iterations with think time: every step of the 20-iteration traffic cycle at least twice.
export const options: Options = {
  vus: 2,
  duration: '1m',
  ...trafficOptions(),
};
export const setup = (): SetupData => setupData(4);
export default vuTraffic;
export const teardown = teardownData;
