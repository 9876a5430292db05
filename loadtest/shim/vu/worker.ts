/**
 * One k6 VU in a worker thread (its own JS realm and module graph, as each k6 VU has its own
 * runtime): runs the script's init context, then, by `phase`, reports the options, runs
 * setup() or teardown(), or runs iterations of the scenario's function until the runner
 * stops it or the iteration budget is spent.
 */
import { workerData } from 'node:worker_threads';
import { NotImplemented, VuControl, type VuWorkerData } from '../protocol.ts';
import { loadScriptsAsK6Does } from './module-hooks.ts';
import {
  awaitControlChange,
  control,
  emit,
  notImplemented,
  post,
  receiveStart,
  takeIteration,
  vu,
  vuTags,
} from './state.ts';

const data = workerData as VuWorkerData;

type Script = Record<string, unknown>;

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** k6's globals: __ENV (a copy per VU), __VU, __ITER; open() is not implemented. */
function defineK6Globals(): void {
  const global = globalThis as Record<string, unknown>;
  global.__ENV = { ...data.env };
  Object.defineProperty(global, '__VU', { get: () => vu.id });
  Object.defineProperty(global, '__ITER', { get: () => vu.iteration });
  global.open = () => notImplemented('open()');
}

function call(fn: unknown, name: string, argument: unknown): unknown {
  if (typeof fn !== 'function') throw new Error(`function "${name}" is not exported by the script`);
  const result = fn(argument);
  if (result instanceof Promise) notImplemented(`an async ${name}()`);
  return result;
}

/** setup() (its result as JSON, as k6 hands it on) or teardown(data). */
function runLifecycle(script: Script): void {
  try {
    if (data.phase === 'setup') {
      const result = call(script.setup, 'setup', undefined);
      post({ type: 'returned', json: result === undefined ? null : JSON.stringify(result) });
    } else {
      const { setupJson } = receiveStart();
      call(script.teardown, 'teardown', setupJson === null ? undefined : JSON.parse(setupJson));
      post({ type: 'returned', json: null });
    }
  } catch (error) {
    post({ type: 'exception', message: describe(error) });
  }
}

function runIteration(exec: unknown, name: string, setupData: unknown): void {
  const started = performance.now();
  try {
    call(exec, name, setupData);
  } catch (error) {
    if (!(error instanceof NotImplemented)) post({ type: 'iteration-error', message: describe(error) });
  }
  const tags = vuTags();
  emit([
    { metric: 'iterations', value: 1, tags },
    { metric: 'iteration_duration', value: performance.now() - started, tags },
  ]);
}

/** Iterations until the runner says stop or the shared / per-VU budget is spent. */
function runIterations(script: Script): void {
  const scenario = data.scenario!;
  let state = control();
  while (state === VuControl.wait) {
    awaitControlChange(state);
    state = control();
  }
  if (state !== VuControl.stop) {
    const { setupJson } = receiveStart();
    const setupData: unknown = setupJson === null ? undefined : JSON.parse(setupJson);
    for (;;) {
      state = control();
      if (state === VuControl.wait) {
        awaitControlChange(state);
        continue;
      }
      if (state === VuControl.stop) break;
      if (scenario.perVuIterations !== undefined && vu.iteration >= scenario.perVuIterations) break;
      const index = takeIteration();
      if (scenario.sharedIterations !== undefined && index >= scenario.sharedIterations) break;
      vu.iterationInTest = index;
      runIteration(script[scenario.exec], scenario.exec, setupData);
      vu.iteration++;
    }
  }
  post({ type: 'finished' });
}

async function main(): Promise<void> {
  loadScriptsAsK6Does();
  defineK6Globals();
  let script: Script;
  try {
    script = (await import(data.scriptUrl)) as Script;
  } catch (error) {
    post({ type: 'exception', message: describe(error) });
    return;
  }
  vu.initContext = false;
  post({
    type: 'initialised',
    exports: Object.keys(script).filter((name) => typeof script[name] === 'function'),
    options: JSON.parse(JSON.stringify(script.options ?? null)) as unknown,
    metrics: vu.metrics,
  });
  if (data.phase === 'setup' || data.phase === 'teardown') runLifecycle(script);
  else if (data.phase === 'vu') runIterations(script);
}

await main();
