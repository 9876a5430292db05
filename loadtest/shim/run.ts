/**
 * The k6 shim's command line, in k6's manner:
 *
 *   node loadtest/shim/run.ts [run] [options] <script.ts>
 *   node loadtest/shim/run.ts inspect [--execution-requirements] <script.ts>
 *
 *   -u, --vus N             VUs (with --iterations: a shared-iterations run, as in k6)
 *   -i, --iterations N      iterations shared by the VUs; replaces the script's stages/scenarios
 *   -d, --duration D        a constant-vus run of D (e.g. 30s); replaces stages/scenarios
 *   -e, --env KEY=VALUE     set __ENV.KEY (the environment is there too, as in k6)
 *   --summary-export FILE   write k6's legacy JSON summary (plus a k6_shim section)
 *   --no-summary            no end-of-test summary on stdout
 *   --no-color              accepted, as k6 does (the shim never colours its output)
 *   --sleep-scale F         shim only: sleep() waits F × the seconds asked (default 1)
 *   --no-contract-check     shim only: do not validate requests against openapi/
 *
 * Exit codes: k6's (99 thresholds crossed, 100/101 setup/teardown timeout, 104 invalid
 * options, 107 script exception), and 1 when a request broke the OpenAPI contract or the
 * script used a k6 API the shim does not implement. Needs Node 24 (type stripping).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inspectScript } from './inspect.ts';
import { summaryExport, textSummary } from './summary.ts';
import { exitCodes, runTest } from './test-run.ts';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node loadtest/shim/run.ts [run|inspect] [options] <script.ts>\n`);
  process.exit(exitCodes.invalidConfig);
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) usage(`${flag} must be a positive integer, not "${value}"`);
  return Number(value);
}

const started = Date.now();
const levels = { info: 'INFO', warning: 'WARN', error: 'ERRO' };

/** k6's terminal log format: `ERRO[0003] message`, seconds since the start. */
function log(level: keyof typeof levels, message: string): void {
  const seconds = String(Math.floor((Date.now() - started) / 1000)).padStart(4, '0');
  process.stderr.write(`${levels[level]}[${seconds}] ${message}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      vus: { type: 'string', short: 'u' },
      iterations: { type: 'string', short: 'i' },
      duration: { type: 'string', short: 'd' },
      env: { type: 'string', short: 'e', multiple: true },
      'summary-export': { type: 'string' },
      'no-summary': { type: 'boolean' },
      'no-color': { type: 'boolean' },
      'sleep-scale': { type: 'string' },
      'no-contract-check': { type: 'boolean' },
      'execution-requirements': { type: 'boolean' },
    },
  });
  const command = positionals[0] === 'run' || positionals[0] === 'inspect' ? positionals.shift() : 'run';
  if (positionals.length !== 1) usage('exactly one script is needed');
  const script = positionals[0]!;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  for (const pair of values.env ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) usage(`--env wants KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const commandLine = {
    vus: integer(values.vus, '--vus'),
    iterations: integer(values.iterations, '--iterations'),
    duration: values.duration,
  };
  if (command === 'inspect') {
    process.stdout.write(`${JSON.stringify(await inspectScript(script, env, commandLine), null, 2)}\n`);
    return exitCodes.ok;
  }
  const sleepScale = values['sleep-scale'] === undefined ? 1 : Number(values['sleep-scale']);
  if (!Number.isFinite(sleepScale) || sleepScale < 0) usage('--sleep-scale must be a number ≥ 0');
  const summary = await runTest({
    script,
    env,
    commandLine,
    sleepScale,
    contractCheck: !values['no-contract-check'],
    log,
  });
  if (!values['no-summary']) process.stdout.write(`\n${textSummary(summary)}\n`);
  if (values['summary-export']) writeFileSync(values['summary-export'], summaryExport(summary));
  if (summary.exitCode === exitCodes.thresholdsHaveFailed) {
    log(
      'error',
      `thresholds on metrics '${[...new Set(summary.thresholds.filter((t) => !t.ok).map((t) => t.key))].join(', ')}' have been crossed`,
    );
  }
  return summary.exitCode;
}

process.exitCode = await main().catch((error: unknown) => {
  log('error', error instanceof Error ? (error.stack ?? error.message) : String(error));
  return exitCodes.shimFailure;
});
