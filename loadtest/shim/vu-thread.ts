/**
 * The runner's handle on one VU worker thread (vu/worker.ts): starts it, answers its
 * synchronous HTTP requests, passes on what it reports, and steers it with its control word.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { MetricDefinition, Sample } from './metrics.ts';
import {
  VuControl,
  type HttpRequest,
  type HttpResponse,
  type Phase,
  type VuMessage,
  type VuWorkerData,
} from './protocol.ts';

const workerUrl = new URL('./vu/worker.ts', import.meta.url);

export interface VuEvents {
  samples(samples: Sample[]): void;
  /** Performs a VU's HTTP request (contract check, send, metrics). */
  exchange(vuId: number, request: HttpRequest): Promise<HttpResponse>;
  iterationError(vuId: number, message: string): void;
  notImplemented(message: string): void;
}

export interface InitReport {
  exports: string[];
  options: unknown;
  metrics: MetricDefinition[];
}

/** An exception of the script (init context, setup(), teardown()). */
class ScriptException extends Error {}

export interface VuThreadOptions {
  phase: Phase;
  vuId: number;
  scriptUrl: string;
  env: Record<string, string>;
  sleepScale: number;
  scenarioCounters: SharedArrayBuffer;
  scenario?: VuWorkerData['scenario'];
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ([resolve, reject] = [res, rej]));
  promise.catch(() => undefined); // observed by whoever awaits it
  return { promise, resolve, reject };
}

export class VuThread {
  readonly id: number;
  /** The init context ran (or threw: ScriptException). */
  readonly initialised: Promise<InitReport>;
  /** setup() or teardown() returned (setup data as JSON), or threw (ScriptException). */
  readonly returned: Promise<string | null>;
  /** The VU starts no more iterations (or its thread ended). */
  readonly finished: Promise<void>;
  /** The thread has ended. */
  readonly exited: Promise<void>;
  /** Whether `finished` has resolved. */
  isFinished = false;
  private readonly worker: Worker;
  private readonly signal: Int32Array;
  private readonly port: MessagePort;
  private controlState: number = VuControl.wait;

  constructor(options: VuThreadOptions, events: VuEvents) {
    this.id = options.vuId;
    const signal = new SharedArrayBuffer(8);
    this.signal = new Int32Array(signal);
    const channel = new MessageChannel();
    this.port = channel.port1;
    const workerData: VuWorkerData = {
      phase: options.phase,
      scriptUrl: options.scriptUrl,
      env: options.env,
      vuId: options.vuId,
      signal,
      scenarioCounters: options.scenarioCounters,
      requestPort: channel.port2,
      sleepScale: options.sleepScale,
      scenario: options.scenario,
    };
    // k6 logs console output to stderr; stdout stays the summary's.
    this.worker = new Worker(workerUrl, {
      workerData,
      transferList: [channel.port2],
      stdout: true,
      stderr: true,
    });
    for (const output of [this.worker.stdout, this.worker.stderr]) {
      output.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    }
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    const initialised = deferred<InitReport>();
    const returned = deferred<string | null>();
    const finished = deferred<void>();
    [this.initialised, this.returned] = [initialised.promise, returned.promise];
    this.finished = finished.promise.then(() => {
      this.isFinished = true;
    });
    let isInitialised = false;
    channel.port1.on('message', (request: HttpRequest) => {
      void events.exchange(this.id, request).then((response) => {
        channel.port1.postMessage(response);
        Atomics.store(this.signal, 0, 1);
        Atomics.notify(this.signal, 0);
      });
    });
    this.worker.on('message', (message: VuMessage) => {
      switch (message.type) {
        case 'samples':
          return events.samples(message.samples);
        case 'initialised':
          isInitialised = true;
          return initialised.resolve(message);
        case 'returned':
          return returned.resolve(message.json);
        case 'exception':
          return (isInitialised ? returned : initialised).reject(new ScriptException(message.message));
        case 'iteration-error':
          return events.iterationError(this.id, message.message);
        case 'not-implemented':
          return events.notImplemented(message.message);
        case 'finished':
          return finished.resolve();
      }
    });
    this.worker.on('error', (error) => {
      initialised.reject(error);
      returned.reject(error);
    });
    this.worker.on('exit', (code) => {
      const gone = new Error(`k6 shim: VU ${this.id} (${options.phase}) ended with exit code ${code}`);
      initialised.reject(gone);
      returned.reject(gone);
      finished.resolve();
      channel.port1.close();
    });
  }

  /** Hands the VU the setup data; it begins once its control word says run. */
  start(setupJson: string | null): void {
    this.port.postMessage({ setupJson });
  }

  control(state: (typeof VuControl)[keyof typeof VuControl]): void {
    if (state === this.controlState) return;
    this.controlState = state;
    Atomics.store(this.signal, 1, state);
    Atomics.notify(this.signal, 1);
  }

  /** Ends the thread now, interrupting whatever it runs. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
