/**
 * The state of the VU this worker thread is, shared by the shim's k6 modules: who it is,
 * where it is (init context, setup(), an iteration, teardown()), its tags, and its lines to
 * the runner. One instance per worker thread, as k6 has one JS runtime per VU.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MetricDefinition, Sample } from '../metrics.ts';
import {
  NotImplemented,
  type HttpRequest,
  type HttpResponse,
  type VuMessage,
  type VuWorkerData,
} from '../protocol.ts';

const data = workerData as VuWorkerData;
const signal = new Int32Array(data.signal);
const scenarioCounters = new Int32Array(data.scenarioCounters);

export const vu = {
  id: data.vuId,
  phase: data.phase,
  /** True while the script's module code runs (k6's init context). */
  initContext: true,
  /** __ITER and exec.vu.iterationInScenario. */
  iteration: 0,
  /** exec.scenario.iterationInTest of the current iteration. */
  iterationInTest: 0,
  scenario: data.scenario,
  sleepScale: data.sleepScale,
  /** Metrics the script declared (in its init context). */
  metrics: [] as MetricDefinition[],
};

/** The tags every sample of this VU carries: its group (setup/teardown have their own) and scenario. */
export function vuTags(): Record<string, string> {
  if (vu.phase === 'setup') return { group: '::setup' };
  if (vu.phase === 'teardown') return { group: '::teardown' };
  return { group: '', ...(vu.scenario ? { scenario: vu.scenario.name } : {}) };
}

export function post(message: VuMessage): void {
  parentPort!.postMessage(message);
}

export function emit(samples: Sample[]): void {
  post({ type: 'samples', samples });
}

/** Reports the use of an unimplemented API to the runner (even if the script catches it), then throws. */
export function notImplemented(api: string): never {
  const error = new NotImplemented(api);
  post({ type: 'not-implemented', message: error.message });
  throw error;
}

/** Throws k6's error for APIs that need a VU (check, http, metric.add…) when called in the init context. */
export function requireVuContext(what: string): void {
  if (vu.initContext) throw new Error(`${what} in the init context is not supported`);
}

/** One synchronous HTTP exchange with the runner (see protocol.ts). */
export function httpExchange(request: HttpRequest): HttpResponse {
  Atomics.store(signal, 0, 0);
  data.requestPort.postMessage(request);
  Atomics.wait(signal, 0, 0);
  const reply = receiveMessageOnPort(data.requestPort);
  if (!reply) throw new Error('k6 shim: the runner answered no HTTP response');
  return reply.message as HttpResponse;
}

/** Blocks the VU for `ms` (k6's sleep). */
export function block(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The control word the runner sets for this VU (VuControl). */
export function control(): number {
  return Atomics.load(signal, 1);
}

/** Waits until the runner changes the control word from `current`. */
export function awaitControlChange(current: number): void {
  Atomics.wait(signal, 1, current);
}

/** Starts an iteration of the scenario: its index in the whole scenario (exec.scenario.iterationInTest). */
export function takeIteration(): number {
  return Atomics.add(scenarioCounters, 0, 1);
}

/** The start message the runner posted on the request port before setting the control word. */
export function receiveStart(): { setupJson: string | null } {
  const message = receiveMessageOnPort(data.requestPort);
  if (!message) throw new Error('k6 shim: a VU was started without setup data');
  return message.message as { setupJson: string | null };
}
