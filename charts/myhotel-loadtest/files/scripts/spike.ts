/** Spike: a sudden burst (10 → 400 VUs in 10 s), then recovery. */
import type { Options } from 'k6/options';
import { setupData, standardThresholds, teardownData, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '1m', target: 10 },
    { duration: '10s', target: 400 },
    { duration: '1m', target: 400 },
    { duration: '10s', target: 10 },
    { duration: '2m', target: 10 },
    { duration: '10s', target: 0 },
  ],
  thresholds: standardThresholds(3),
};
export const setup = (): SetupData => setupData(100);
export default (data: SetupData): void => vuTraffic(data);
export const teardown = (data: SetupData): void => teardownData(data);
