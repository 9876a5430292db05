/**
 * One test run, in k6's order: the script's init context (options, metrics) → thresholds and
 * options validated → every VU initialised → setup() → the scenario → teardown() → thresholds
 * evaluated on everything recorded (setup and teardown included, as in k6) → summary.
 *
 * Exit codes are k6's (errext/exitcodes): 99 thresholds crossed, 100/101 setup()/teardown()
 * timed out, 104 invalid options or thresholds, 107 an exception in the init context, setup()
 * or teardown() (which hides crossed thresholds, as in k6). The shim adds 1: the script sent a
 * request that breaks the OpenAPI contract or used a k6 API the shim does not implement.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startContractCheck, type ContractCheck } from './contract.ts';
import { runScenario } from './executors.ts';
import { HttpClient } from './http-client.ts';
import {
  consolidateOptions,
  maxVUs,
  type CommandLineOptions,
  type Scenario,
  type TestOptions,
} from './options.ts';
import { RunRecord, type Log } from './run-record.ts';
import type { SummaryData } from './summary.ts';
import { bindThresholds, evaluateThresholds, type BoundThreshold } from './thresholds.ts';
import { VuThread, type VuThreadOptions } from './vu-thread.ts';

export const exitCodes = {
  ok: 0,
  shimFailure: 1,
  thresholdsHaveFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  invalidConfig: 104,
  scriptException: 107,
} as const;

export interface RunConfig {
  script: string;
  /** __ENV: the environment plus -e values. */
  env: Record<string, string>;
  commandLine: CommandLineOptions;
  /** sleep() waits this fraction of the time asked (shim only; 1 = as k6). */
  sleepScale: number;
  /** Validate every request against openapi/ (default on). */
  contractCheck: boolean;
  /** Where k6 would log (stderr). */
  log: Log;
}

/** A run that cannot go on: its exit code and why. */
class Abort extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Options and thresholds errors: "k6 shim: …" names a gap of the shim (1), the rest is k6's 104. */
function configError(error: unknown): Abort {
  const message = (error as Error).message;
  return new Abort(message.startsWith('k6 shim:') ? exitCodes.shimFailure : exitCodes.invalidConfig, message);
}

/** What setup() or teardown() returned; a timeout (exit code 100/101) or exception (107) aborts the run. */
async function lifecycle(
  vu: VuThread,
  name: 'setup' | 'teardown',
  timeoutMs: number,
): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const code = name === 'setup' ? exitCodes.setupTimeout : exitCodes.teardownTimeout;
    const message = `${name}() execution timed out after ${timeoutMs / 1000} seconds`;
    timer = setTimeout(() => reject(new Abort(code, message)), timeoutMs);
  });
  try {
    return await Promise.race([vu.returned, timeout]);
  } catch (error) {
    await vu.terminate();
    if (error instanceof Abort) throw error;
    throw new Abort(exitCodes.scriptException, `${name}() threw: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** What a VU of the scenario needs to know to run it (its budget, for iteration executors). */
function scenarioOfVu(scenario: Scenario): VuThreadOptions['scenario'] {
  return {
    name: scenario.name,
    executor: scenario.executor,
    exec: scenario.exec,
    ...(scenario.executor === 'shared-iterations' ? { sharedIterations: scenario.iterations } : {}),
    ...(scenario.executor === 'per-vu-iterations' ? { perVuIterations: scenario.iterations } : {}),
  };
}

export async function runTest(config: RunConfig): Promise<SummaryData> {
  const record = new RunRecord(config.log);
  const http = new HttpClient({
    samples: (samples) => record.ingest(samples),
    notImplemented: (message) => record.notImplemented(message),
    warn: (message) => config.log('warning', message),
  });
  let contract: ContractCheck | undefined;
  const scenarioCounters = new SharedArrayBuffer(4);
  const thread = (options: Pick<VuThreadOptions, 'phase' | 'vuId' | 'scenario'>) =>
    new VuThread(
      {
        ...options,
        scriptUrl: pathToFileURL(resolve(config.script)).href,
        env: config.env,
        sleepScale: config.sleepScale,
        scenarioCounters,
      },
      {
        samples: (samples) => record.ingest(samples),
        async exchange(vuId, request) {
          if (contract) record.contractChecked(request, await contract.check(request));
          return http.send(vuId, request);
        },
        iterationError: (vuId, message) => record.iterationError(vuId, message),
        notImplemented: (message) => record.notImplemented(message),
      },
    );
  const vus: VuThread[] = [];
  const started = Date.now();
  let thresholds: BoundThreshold[] = [];
  let exitCode: number = exitCodes.ok;
  try {
    const report = await thread({ phase: 'options', vuId: 0 }).initialised.catch((error: Error) => {
      throw new Abort(exitCodes.scriptException, `the init context threw: ${error.message}`);
    });
    for (const metric of report.metrics) record.registry.define(metric);
    let options: TestOptions;
    try {
      options = consolidateOptions(report.options as Record<string, unknown> | undefined, config.commandLine);
      thresholds = bindThresholds(options.thresholds, record.registry);
    } catch (error) {
      throw configError(error);
    }
    record.registry.seriesFor('http_req_duration{expected_response:true}', 'http_req_duration', {
      expected_response: 'true',
    });
    const { scenario } = options;
    if (!report.exports.includes(scenario.exec)) {
      throw new Abort(
        exitCodes.invalidConfig,
        `executor ${scenario.name}: function '${scenario.exec}' not found`,
      );
    }
    if (config.contractCheck) contract = await startContractCheck();
    for (let id = 1; id <= maxVUs(scenario); id++) {
      vus.push(thread({ phase: 'vu', vuId: id, scenario: scenarioOfVu(scenario) }));
    }
    await Promise.all(vus.map((vu) => vu.initialised)).catch((error: Error) => {
      throw new Abort(exitCodes.scriptException, `a VU's init context threw: ${error.message}`);
    });
    let setupJson: string | null = null;
    if (report.exports.includes('setup')) {
      setupJson = await lifecycle(thread({ phase: 'setup', vuId: 0 }), 'setup', options.setupTimeout);
    }
    for (const vu of vus) vu.start(setupJson);
    record.findings.interruptedVUs = await runScenario(scenario, vus, options.gracefulStop);
    if (report.exports.includes('teardown')) {
      const teardown = thread({ phase: 'teardown', vuId: 0 });
      teardown.start(setupJson);
      await lifecycle(teardown, 'teardown', options.teardownTimeout);
      await teardown.exited;
    }
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    exitCode = error.exitCode;
    record.findings.abortedBy = error.message;
    config.log('error', error.message);
  } finally {
    await Promise.all(vus.map((vu) => vu.terminate()));
    http.close();
    await contract?.close();
  }
  const runMs = Date.now() - started;
  const results = evaluateThresholds(thresholds, runMs / 1000);
  if (exitCode === exitCodes.ok && results.some((t) => !t.ok)) exitCode = exitCodes.thresholdsHaveFailed;
  if (record.shimFailed) exitCode = exitCodes.shimFailure;
  const keys = new Set(thresholds.map((t) => t.key));
  return {
    script: config.script,
    runMs,
    series: record.registry.all().filter((s) => !s.sink.empty || keys.has(s.key)),
    thresholds: results,
    checks: record.checks,
    findings: record.findings,
    exitCode,
  };
}
