/**
 * The one way to run a service (or another server script) outside production: `node
 * --conditions=typescript --import tsx <script>` from the repository root, on a port of its
 * own, resolved once it answers as ready. The launcher, the tests and the benchmark use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { diesWithParent } from './dies-with-parent';
import { freePort } from './free-port';
import { waitUntilReady } from './readiness';

const repoRoot = join(__dirname, '..');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface NodeProcess<Name extends string = string> {
  name: Name;
  port: number;
  base: string;
  child: ChildProcess;
  /** The most recent stdout + stderr (with `output: 'capture'`). */
  output(): string;
  exited: Promise<Exit>;
}

export interface NodeProcessOptions<Name extends string = string> {
  /** For messages. */
  name: Name;
  /** Relative to the repository root. */
  script: string;
  /** The checkout it runs from (default: this one), e.g. an older commit's for a comparison. */
  root?: string;
  /** The whole environment of the process; PORT is added. */
  env: NodeJS.ProcessEnv;
  /** Default: a free port. */
  port?: number;
  /** Polled until ready (default /readyz, ready on 200). */
  readyPath?: string;
  ready?: (status: number) => boolean;
  readyTimeoutMs?: number;
  /** Node options before the script (e.g. --cpu-prof), and modules to --import after tsx. */
  nodeOptions?: string[];
  imports?: string[];
  /** capture: keep the last `keepOutputChars`; inherit: share ours; errors: stderr only. */
  output?: 'capture' | 'inherit' | 'errors';
  keepOutputChars?: number;
}

const running = new Set<ChildProcess>();
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

const stdioFor = { capture: 'pipe', inherit: 'inherit', errors: 'ignore' } as const;

export async function startNodeProcess<Name extends string>(
  options: NodeProcessOptions<Name>,
): Promise<NodeProcess<Name>> {
  const port = options.port ?? (await freePort());
  const output = options.output ?? 'capture';
  const [command, args] = diesWithParent(process.execPath, [
    ...(options.nodeOptions ?? []),
    '--conditions=typescript',
    '--import',
    'tsx',
    ...(options.imports ?? []).flatMap((module) => ['--import', module]),
    options.script,
  ]);
  const child = spawn(command, args, {
    cwd: options.root ?? repoRoot,
    env: { ...options.env, PORT: String(port) },
    stdio: ['ignore', stdioFor[output], output === 'capture' ? 'pipe' : 'inherit'],
  });
  running.add(child);
  let recent = '';
  const keep = (chunk: Buffer) => {
    recent = (recent + chunk.toString('utf8')).slice(-(options.keepOutputChars ?? 20_000));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const started: NodeProcess<Name> = {
    name: options.name,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => recent,
    exited,
  };
  try {
    await waitUntilReady(`${started.base}${options.readyPath ?? '/readyz'}`, {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      ready: options.ready,
      abandon: () => (isRunning(child) ? undefined : 'it exited during start-up'),
    });
  } catch (err) {
    await stopNodeProcess(started);
    throw new Error(`${options.name} not ready on port ${port} (${(err as Error).message}):\n${recent}`, {
      cause: err,
    });
  }
  return started;
}

/** A service of services/<name>, as `npm start` runs it. */
export function startService<Name extends 'auth' | 'hotel'>(
  name: Name,
  options: Omit<NodeProcessOptions, 'name' | 'script'>,
): Promise<NodeProcess<Name>> {
  return startNodeProcess({ ...options, name, script: join('services', name, 'src', 'main.ts') });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopNodeProcess(started: NodeProcess, graceMs = 5000): Promise<void> {
  const { child } = started;
  if (!isRunning(child)) return;
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  await started.exited;
  clearTimeout(kill);
}

/** Kills every process started here that still runs. */
export async function killAllNodeProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (!isRunning(child)) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
