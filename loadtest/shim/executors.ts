/**
 * Runs the scenario's VUs as k6's executors schedule them (lib/executor):
 *
 * - shared-iterations: `vus` VUs take `iterations` iterations from one pool;
 * - per-vu-iterations: each of `vus` VUs runs `iterations` iterations;
 *   both end early at `maxDuration` (default 10 min);
 * - constant-vus: `vus` VUs loop for `duration`;
 * - ramping-vus: from `startVUs`, the number of active VUs moves linearly, one VU at a time,
 *   to each stage's `target` over its `duration`. A VU ramped down finishes its iteration
 *   first (k6 would interrupt it after gracefulRampDown, 30 s; not implemented).
 *
 * At the end every VU may finish its iteration for k6's gracefulStop (30 s); VUs still running
 * then are terminated, their iteration interrupted and not counted.
 */
import type { Scenario, Stage } from './options.ts';
import { VuControl } from './protocol.ts';
import type { VuThread } from './vu-thread.ts';

const rampTickMs = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Active VUs of a ramping-vus scenario `elapsed` ms after its start (k6's step function). */
function rampingTarget(startVUs: number, stages: Stage[], elapsed: number): number {
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    if (elapsed < stageStart + stage.duration) {
      const progress = (elapsed - stageStart) / stage.duration;
      const change = Math.floor(Math.abs(stage.target - from) * progress);
      return stage.target >= from ? from + change : from - change;
    }
    stageStart += stage.duration;
    from = stage.target;
  }
  return from;
}

/** Resolves true when every VU has finished within `ms`, false when time ran out. */
async function allFinished(vus: VuThread[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = Promise.all(vus.map((vu) => vu.finished)).then(() => true as const);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}

/** Tells every VU to stop after its iteration; terminates those that exceed the graceful stop. */
async function stopGracefully(vus: VuThread[], gracefulStop: number): Promise<number> {
  for (const vu of vus) vu.control(VuControl.stop);
  if (await allFinished(vus, gracefulStop)) return 0;
  const running = vus.filter((vu) => !vu.isFinished);
  await Promise.all(running.map((vu) => vu.terminate()));
  return running.length;
}

/** Runs the scenario on `vus` (started with their setup data); returns how many VUs were interrupted. */
export async function runScenario(
  scenario: Scenario,
  vus: VuThread[],
  gracefulStop: number,
): Promise<number> {
  switch (scenario.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations': {
      for (const vu of vus) vu.control(VuControl.run);
      if (await allFinished(vus, scenario.maxDuration)) return 0;
      return stopGracefully(vus, gracefulStop);
    }
    case 'constant-vus': {
      for (const vu of vus) vu.control(VuControl.run);
      await sleep(scenario.duration);
      return stopGracefully(vus, gracefulStop);
    }
    case 'ramping-vus': {
      const started = Date.now();
      const total = scenario.stages.reduce((sum, stage) => sum + stage.duration, 0);
      for (let elapsed = 0; elapsed < total; elapsed = Date.now() - started) {
        const target = rampingTarget(scenario.startVUs, scenario.stages, elapsed);
        vus.forEach((vu, i) => vu.control(i < target ? VuControl.run : VuControl.wait));
        await sleep(Math.min(rampTickMs, total - elapsed));
      }
      return stopGracefully(vus, gracefulStop);
    }
  }
}
