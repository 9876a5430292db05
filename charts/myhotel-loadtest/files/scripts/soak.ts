/** Soak: moderate load for 2 hours (SOAK_DURATION) to surface leaks, pool exhaustion, token expiry. */
import type { Options } from 'k6/options';
import { setupData, standardThresholds, teardownData, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '5m', target: 30 },
    { duration: __ENV.SOAK_DURATION || '2h', target: 30 },
    { duration: '5m', target: 0 },
  ],
  thresholds: standardThresholds(),
};
export const setup = (): SetupData => setupData(30);
export default (data: SetupData): void => vuTraffic(data);
export const teardown = (data: SetupData): void => teardownData(data);
