/** Stress: step beyond the expected load (to 300 VUs) to find where latency budgets break. */
import type { Options } from 'k6/options';
import { setupData, standardThresholds, teardownData, vuTraffic, type SetupData } from './lib/common.ts';

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
  thresholds: standardThresholds(2),
};
export const setup = (): SetupData => setupData(100);
export default (data: SetupData): void => vuTraffic(data);
export const teardown = (data: SetupData): void => teardownData(data);
