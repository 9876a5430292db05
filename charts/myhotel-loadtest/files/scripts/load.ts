/** Load: the expected busy-day traffic, 50 VUs for 10 minutes after a ramp. `k6 run loadtest/load.ts` */
import type { Options } from 'k6/options';
import { setupData, standardThresholds, teardownData, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '2m', target: 50 },
    { duration: '10m', target: 50 },
    { duration: '1m', target: 0 },
  ],
  thresholds: standardThresholds(),
};
export const setup = (): SetupData => setupData(50);
export default (data: SetupData): void => vuTraffic(data);
export const teardown = (data: SetupData): void => teardownData(data);
