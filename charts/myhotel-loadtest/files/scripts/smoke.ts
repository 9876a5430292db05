/** Smoke: 2 VUs for 30 s — does every endpoint group answer, within budget? `k6 run loadtest/smoke.ts` */
import type { Options } from 'k6/options';
import { setupData, standardThresholds, teardownData, vuTraffic, type SetupData } from './lib/common.ts';

export const options: Options = { vus: 2, duration: '30s', thresholds: standardThresholds() };
export const setup = (): SetupData => setupData(4);
export default (data: SetupData): void => vuTraffic(data);
export const teardown = (data: SetupData): void => teardownData(data);
