/**
 * The script's `options` as k6 consolidates them: command-line values over the script's
 * (lib/options.go Apply: a command-line `iterations`, `duration` or `stages` replaces every
 * execution setting of the script), then the shortcuts turned into one scenario
 * (lib/executor/execution_config_shortcuts.go). Only the options and executors below are
 * implemented; any other option in a script is refused by name.
 */
import { parseDuration } from './duration.ts';

export interface Stage {
  duration: number;
  target: number;
}

export type Scenario =
  | {
      name: string;
      executor: 'shared-iterations';
      vus: number;
      iterations: number;
      maxDuration: number;
      exec: string;
    }
  | {
      name: string;
      executor: 'per-vu-iterations';
      vus: number;
      iterations: number;
      maxDuration: number;
      exec: string;
    }
  | { name: string; executor: 'constant-vus'; vus: number; duration: number; exec: string }
  | { name: string; executor: 'ramping-vus'; startVUs: number; stages: Stage[]; exec: string };

export interface TestOptions {
  scenario: Scenario;
  /** Threshold expressions by metric key. */
  thresholds: Record<string, string[]>;
  setupTimeout: number;
  teardownTimeout: number;
  /** k6's graceful stop of every executor (30 s): iterations running at the end may finish. */
  gracefulStop: number;
}

/** Execution values given on the command line (`--vus`, `--iterations`, `--duration`). */
export interface CommandLineOptions {
  vus?: number;
  iterations?: number;
  duration?: string;
}

const implementedOptions = new Set([
  'vus',
  'duration',
  'iterations',
  'stages',
  'scenarios',
  'thresholds',
  'setupTimeout',
  'teardownTimeout',
]);
const implementedScenarioKeys: Record<Scenario['executor'], string[]> = {
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages'],
};
const defaultMaxDuration = 10 * 60_000;
const gracefulStop = 30_000;

type Raw = Record<string, unknown>;

function positiveInteger(value: unknown, what: string, minimum = 1): number {
  if (!Number.isInteger(value) || (value as number) < minimum) {
    throw new Error(`${what} must be an integer of at least ${minimum}, not ${JSON.stringify(value)}`);
  }
  return value as number;
}

function stagesOf(value: unknown, what: string): Stage[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error(`${what} must be a non-empty list of stages`);
  return value.map((stage: Raw, i) => {
    const extra = Object.keys(stage).filter((k) => k !== 'duration' && k !== 'target');
    if (extra.length > 0) throw new Error(`k6 shim: ${what}[${i}].${extra[0]} is not implemented`);
    return {
      duration: parseDuration(stage.duration, `${what}[${i}].duration`),
      target: positiveInteger(stage.target, `${what}[${i}].target`, 0),
    };
  });
}

function scenarioFrom(name: string, raw: Raw): Scenario {
  const executor = raw.executor as Scenario['executor'];
  const allowed = implementedScenarioKeys[executor];
  if (!allowed) throw new Error(`k6 shim: executor "${String(raw.executor)}" is not implemented`);
  for (const key of Object.keys(raw)) {
    if (key !== 'executor' && key !== 'exec' && !allowed.includes(key)) {
      throw new Error(`k6 shim: scenarios.${name}.${key} is not implemented (executor ${executor})`);
    }
  }
  const exec = raw.exec === undefined ? 'default' : String(raw.exec);
  const where = `scenarios.${name}`;
  const maxDuration = () =>
    raw.maxDuration === undefined
      ? defaultMaxDuration
      : parseDuration(raw.maxDuration, `${where}.maxDuration`);
  switch (executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      return {
        name,
        executor,
        vus: raw.vus === undefined ? 1 : positiveInteger(raw.vus, `${where}.vus`),
        iterations: raw.iterations === undefined ? 1 : positiveInteger(raw.iterations, `${where}.iterations`),
        maxDuration: maxDuration(),
        exec,
      };
    case 'constant-vus':
      return {
        name,
        executor,
        vus: raw.vus === undefined ? 1 : positiveInteger(raw.vus, `${where}.vus`),
        duration: parseDuration(raw.duration, `${where}.duration`),
        exec,
      };
    case 'ramping-vus':
      return {
        name,
        executor,
        startVUs: raw.startVUs === undefined ? 1 : positiveInteger(raw.startVUs, `${where}.startVUs`, 0),
        stages: stagesOf(raw.stages, `${where}.stages`),
        exec,
      };
  }
}

/** The one scenario a run executes, from the consolidated options (k6's shortcut rules). */
function deriveScenario(options: Raw): Scenario {
  const vus = options.vus === undefined ? 1 : positiveInteger(options.vus, 'vus');
  const conflict = (a: string, b: string) => {
    throw new Error(`using \`${a}\` and \`${b}\` options simultaneously is not allowed`);
  };
  if (options.iterations !== undefined) {
    if (options.stages !== undefined) conflict('iterations', 'stages');
    if (options.scenarios !== undefined) conflict('iterations', 'scenarios');
    if (options.duration !== undefined)
      throw new Error('k6 shim: `iterations` with `duration` is not implemented');
    return scenarioFrom('default', { executor: 'shared-iterations', vus, iterations: options.iterations });
  }
  if (options.duration !== undefined) {
    if (options.stages !== undefined) conflict('duration', 'stages');
    if (options.scenarios !== undefined) conflict('duration', 'scenarios');
    return scenarioFrom('default', { executor: 'constant-vus', vus, duration: options.duration });
  }
  if (options.stages !== undefined) {
    if (options.scenarios !== undefined) conflict('stages', 'scenarios');
    return scenarioFrom('default', { executor: 'ramping-vus', startVUs: vus, stages: options.stages });
  }
  const scenarios = Object.entries((options.scenarios ?? {}) as Record<string, Raw>);
  if (scenarios.length > 1) throw new Error('k6 shim: more than one scenario is not implemented');
  const [only] = scenarios;
  if (!only) return scenarioFrom('default', { executor: 'per-vu-iterations', vus: 1, iterations: 1 });
  return scenarioFrom(only[0], only[1]);
}

function thresholdsOf(value: unknown): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  for (const [key, list] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const sources = Array.isArray(list) ? list : [list];
    thresholds[key] = sources.map((source) => {
      if (typeof source !== 'string') {
        throw new Error(
          `k6 shim: threshold objects (abortOnFail, delayAbortEval) are not implemented (${key})`,
        );
      }
      return source;
    });
  }
  return thresholds;
}

/** The options of one run: the script's `options` export overridden by the command line. */
export function consolidateOptions(script: Raw | undefined, commandLine: CommandLineOptions): TestOptions {
  const options: Raw = { ...(script ?? {}) };
  for (const key of Object.keys(options)) {
    if (!implementedOptions.has(key)) throw new Error(`k6 shim: option "${key}" is not implemented`);
  }
  if (commandLine.iterations !== undefined || commandLine.duration !== undefined) {
    for (const key of ['duration', 'iterations', 'stages', 'scenarios']) delete options[key];
    if (commandLine.iterations !== undefined) options.iterations = commandLine.iterations;
    if (commandLine.duration !== undefined) options.duration = commandLine.duration;
  }
  if (commandLine.vus !== undefined) options.vus = commandLine.vus;
  return {
    scenario: deriveScenario(options),
    thresholds: thresholdsOf(options.thresholds),
    setupTimeout:
      options.setupTimeout === undefined ? 60_000 : parseDuration(options.setupTimeout, 'setupTimeout'),
    teardownTimeout:
      options.teardownTimeout === undefined
        ? 60_000
        : parseDuration(options.teardownTimeout, 'teardownTimeout'),
    gracefulStop,
  };
}

/** The most VUs the scenario runs at once (k6 initialises them all before setup()). */
export function maxVUs(scenario: Scenario): number {
  if (scenario.executor === 'ramping-vus') {
    return Math.max(scenario.startVUs, ...scenario.stages.map((s) => s.target));
  }
  return scenario.vus;
}

/** The scheduled length of the scenario (iteration-based ones: their maxDuration). */
export function scheduledDuration(scenario: Scenario): number {
  switch (scenario.executor) {
    case 'ramping-vus':
      return scenario.stages.reduce((sum, stage) => sum + stage.duration, 0);
    case 'constant-vus':
      return scenario.duration;
    default:
      return scenario.maxDuration;
  }
}
