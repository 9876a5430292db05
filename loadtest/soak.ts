/**
 * Soak: the load test's visitors, 30 of them, for 2 hours (SOAK_DURATION) to surface leaks,
 * pool exhaustion and token expiry (access tokens are refreshed every ~14 minutes).
 */
import type { Options } from 'k6/options';
import { setupData, teardownData, trafficOptions, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = {
  stages: [
    { duration: '5m', target: 30 },
    { duration: __ENV.SOAK_DURATION || '2h', target: 30 },
    { duration: '5m', target: 0 },
  ],
  ...trafficOptions(),
};
export const setup = (): SetupData => setupData(30);
export default vuTraffic;
export const teardown = teardownData;
