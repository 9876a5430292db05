/**
 * The services as real child processes, started the way the launcher starts them
 * (`node --conditions=typescript --import tsx services/<name>/src/main.ts`): for the fault
 * tests (test/faults) and the contract fuzzing (test/fuzz).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../scripts/lib/ports';
import { testAudience, testIssuer } from './auth';

const repoRoot = join(__dirname, '..', '..');

export interface ServiceProcess {
  name: 'auth' | 'hotel';
  port: number;
  base: string;
  child: ChildProcess;
  /** The most recent stdout + stderr (for failure messages and reports). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export interface SpawnOptions {
  /** Default: a free port. */
  port?: number;
  readyTimeoutMs?: number;
  /** How much of the most recent output to keep (characters). */
  keepOutputChars?: number;
}

const children = new Set<ChildProcess>();

/**
 * Starts a service with a minimal environment (PATH, HOME, TMPDIR; NODE_ENV=production,
 * LOG_LEVEL=warn, the test issuer and audience, the run's status log) plus `env`; resolves
 * once /readyz answers 200.
 */
export async function spawnService(
  name: 'auth' | 'hotel',
  env: Record<string, string>,
  { port: givenPort, readyTimeoutMs = 30_000, keepOutputChars = 20_000 }: SpawnOptions = {},
): Promise<ServiceProcess> {
  const port = givenPort ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      '--conditions=typescript',
      '--import',
      'tsx',
      '--import',
      pathToFileURL(join(__dirname, 'record-statuses.ts')).href,
      join('services', name, 'src', 'main.ts'),
    ],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        JWT_ISSUER: testIssuer,
        JWT_AUDIENCE: testAudience,
        ...(process.env.MYHOTEL_STATUS_LOG ? { MYHOTEL_STATUS_LOG: process.env.MYHOTEL_STATUS_LOG } : {}),
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-keepOutputChars);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const service: ServiceProcess = {
    name,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited during start-up:\n${output}`);
    }
    if ((await readyzStatus(service.base)) === 200) return service;
    if (Date.now() > deadline) {
      await stopService(service);
      throw new Error(`${name} not ready after ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET /readyz on a fresh connection (no keep-alive socket left behind), 0 on failure. */
function readyzStatus(base: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(`${base}/readyz`, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopService(service: ServiceProcess, graceMs = 5000): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  await service.exited;
  clearTimeout(kill);
}

/** Kills every service process started here that still runs (afterAll). */
export async function killAllServices(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
