/**
 * Long-running steps with visible progress: each step prints its name, then a heartbeat with the
 * elapsed time and the last line of its log while it runs, then how it ended (done / cached) and
 * how long it took. A failing step prints the tail of its log and the command that retries it,
 * so a first run of several minutes never looks hung and a failure says what to do next.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface StepContext {
  /** The step's log file: commands run for the step append their output here. */
  log: string;
  /** Appends one line to the log. */
  note: (line: string) => void;
}

/** What a step returns when it found its result in a cache instead of producing it. */
export const CACHED = Symbol('cached');
export type StepResult = void | typeof CACHED | string;

export interface StepRunnerOptions {
  /** Folder of the per-step log files. */
  logDir: string;
  /** Command that retries the whole run (printed on failure). */
  retry: string;
  /** Seconds between heartbeats of a running step. */
  heartbeatSeconds?: number;
  write?: (line: string) => void;
}

export const formatDuration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The last `lines` non-empty lines of a file ('' when it does not exist). */
function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '';
  const all = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return all.slice(-lines).join('\n');
}

export class StepRunner {
  private readonly started = Date.now();
  private readonly write: (line: string) => void;
  readonly timings: Array<{ name: string; ms: number; outcome: 'done' | 'cached' }> = [];

  constructor(private readonly options: StepRunnerOptions) {
    mkdirSync(options.logDir, { recursive: true });
    this.write = options.write ?? ((line) => console.log(line));
  }

  /**
   * Runs one step. `fn` returns CACHED when it reused a cached result, or a short summary string
   * that is printed after the step's name.
   */
  async run(name: string, fn: (ctx: StepContext) => Promise<StepResult>): Promise<void> {
    const log = path.join(this.options.logDir, `${slug(name)}.log`);
    const stream = createWriteStream(log, { flags: 'a' });
    const note = (line: string) => stream.write(`${line}\n`);
    const t0 = Date.now();
    const clock = () => `[${formatDuration(Date.now() - this.started)}]`;
    this.write(`${clock()} ▶ ${name}`);
    const heartbeat = setInterval(
      () => {
        const last = tail(log, 1).slice(0, 120);
        this.write(`${clock()}   … ${name}: ${formatDuration(Date.now() - t0)}${last ? `  | ${last}` : ''}`);
      },
      (this.options.heartbeatSeconds ?? 20) * 1000,
    );
    heartbeat.unref();
    try {
      const result = await fn({ log, note });
      const ms = Date.now() - t0;
      const outcome = result === CACHED ? 'cached' : 'done';
      this.timings.push({ name, ms, outcome });
      const summary = typeof result === 'string' && result ? ` — ${result}` : '';
      this.write(`${clock()} ✓ ${name}: ${outcome} in ${formatDuration(ms)}${summary}`);
    } catch (err) {
      await new Promise((resolve) => stream.end(resolve));
      this.write(
        `${clock()} ✗ ${name} failed after ${formatDuration(Date.now() - t0)}: ${errorMessage(err)}`,
      );
      const lines = tail(log);
      if (lines) this.write(`--- last lines of ${log} ---\n${lines}\n---`);
      this.write(`retry: ${this.options.retry}`);
      throw err;
    } finally {
      clearInterval(heartbeat);
      stream.end();
    }
  }

  /** One line per step with its outcome and time, for the end of a run. */
  summary(): string {
    return this.timings
      .map((t) => `  ${t.name.padEnd(48)} ${t.outcome.padEnd(7)} ${formatDuration(t.ms).padStart(7)}`)
      .join('\n');
  }
}

export const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message.split('\n')[0]! : String(err);
