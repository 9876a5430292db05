/**
 * `inspect`, as `k6 inspect --execution-requirements`: runs the script's init context only and
 * returns its options as consolidated (the derived scenario replacing the shortcuts), with the
 * most VUs it needs at once and its total duration (including the graceful stop).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatDuration } from './duration.ts';
import { consolidateOptions, maxVUs, scheduledDuration, type CommandLineOptions } from './options.ts';
import { VuThread } from './vu-thread.ts';

export async function inspectScript(
  script: string,
  env: Record<string, string>,
  commandLine: CommandLineOptions,
): Promise<Record<string, unknown>> {
  const refuse = () => {
    throw new Error('k6 shim: the init context may not send requests or record samples');
  };
  const thread = new VuThread(
    {
      phase: 'options',
      vuId: 0,
      scriptUrl: pathToFileURL(resolve(script)).href,
      env,
      sleepScale: 1,
      scenarioCounters: new SharedArrayBuffer(4),
    },
    { samples: refuse, exchange: refuse, iterationError: refuse, notImplemented: refuse },
  );
  try {
    const report = await thread.initialised;
    const options = consolidateOptions(report.options as Record<string, unknown> | undefined, commandLine);
    const { scenario } = options;
    const {
      stages: _stages,
      vus: _vus,
      duration: _duration,
      iterations: _iterations,
      ...rest
    } = (report.options ?? {}) as Record<string, unknown>;
    return {
      ...rest,
      scenarios: { [scenario.name]: scenario },
      maxVUs: maxVUs(scenario),
      totalDuration: formatDuration(scheduledDuration(scenario) + options.gracefulStop),
    };
  } finally {
    await thread.terminate();
  }
}
