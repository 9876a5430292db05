/**
 * What the runner (main thread) and the VUs (worker threads) say to each other.
 *
 * A VU's k6/http call is synchronous: the VU posts an `HttpRequest` on its request port and
 * blocks in Atomics.wait on its `signal` until the runner has posted the `HttpResponse` back;
 * then it takes it off the port with receiveMessageOnPort. Everything else goes from VU to
 * runner asynchronously, in order, on the worker's parentPort.
 */
import type { MessagePort } from 'node:worker_threads';
import type { MetricDefinition, Sample } from './metrics.ts';

export type Phase = 'options' | 'vu' | 'setup' | 'teardown';

/** Passed to every VU worker. */
export interface VuWorkerData {
  phase: Phase;
  /** file: URL of the k6 script. */
  scriptUrl: string;
  env: Record<string, string>;
  /** __VU: 0 for the options run, setup() and teardown(); 1… for VUs. */
  vuId: number;
  /** Int32Array over it: [0] response ready, [1] VU control (see VuControl). */
  signal: SharedArrayBuffer;
  /** Int32Array over it: [0] iterations started in the scenario (exec.scenario.iterationInTest). */
  scenarioCounters: SharedArrayBuffer;
  requestPort: MessagePort;
  /** sleep(s) waits s × sleepScale seconds. */
  sleepScale: number;
  scenario?: {
    name: string;
    executor: string;
    exec: string;
    sharedIterations?: number;
    perVuIterations?: number;
  };
}

/** signal[1]: what a VU should do before its next iteration. */
export const VuControl = { wait: 0, run: 1, stop: 2 } as const;

/** `responseCallback` as data: k6's expectedStatuses, `null` (no http_req_failed) or the default. */
export type ExpectedStatuses = { exact: number[]; ranges: Array<[number, number]> } | null | 'default';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** The VU's tags with the request's `tags` param: name, group, scenario… */
  tags: Record<string, string>;
  expected: ExpectedStatuses;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  proto: string;
  url: string;
  /** Canonical header names (Content-Type), repeated values joined with ", ". */
  headers: Record<string, string>;
  body: string | null;
  error: string;
  errorCode: number;
}

export type VuMessage =
  | { type: 'samples'; samples: Sample[] }
  /** The init context ran: what the script exports and declares. */
  | { type: 'initialised'; exports: string[]; options: unknown; metrics: MetricDefinition[] }
  /** setup() returned (JSON, as k6 passes setup data), or teardown() returned. */
  | { type: 'returned'; json: string | null }
  /** An exception that ends this phase: init, setup() or teardown(). */
  | { type: 'exception'; message: string }
  /** An exception thrown by one iteration (k6 logs it and goes on). */
  | { type: 'iteration-error'; message: string }
  /** The script used an API the shim does not implement. */
  | { type: 'not-implemented'; message: string }
  /** The VU will start no more iterations. */
  | { type: 'finished' };

/** The error thrown for any k6 API the shim does not implement. */
export class NotImplemented extends Error {
  constructor(api: string) {
    super(`k6 shim: ${api} is not implemented`);
    this.name = 'NotImplemented';
  }
}
