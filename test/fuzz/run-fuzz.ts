/**
 * Contract fuzzing with schemathesis: every operation of openapi/auth.yaml and
 * openapi/hotel.yaml, fuzzed with valid and invalid data (`--mode all`) against the real
 * services (child processes, NODE_ENV=test so they also validate their own responses) on a
 * throw-away embedded PostgreSQL, once per role: anonymous, guest, staff, admin.
 *
 *   npx tsx --conditions=typescript test/fuzz/run-fuzz.ts [--budget small|large]
 *
 * `small` (the jest test, test/fuzz/contract.test.ts) is bounded and seeded; `large`
 * (`npm run fuzz`) tries many more cases with a random seed (printed; FUZZ_SEED replays it).
 * FUZZ_BUDGET=small|large|<examples per operation> overrides --budget. Exit code 1 on any finding.
 *
 * schemathesis (PyPI) is installed on first use into a virtualenv under
 * node_modules/.cache/myhotel-tools/schemathesis-<version>/ (built in a temporary directory,
 * then renamed into place: concurrent first runs are safe). The Python interpreter is
 * $MYHOTEL_PYTHON, else python3.11, else python3 (3.9 or newer).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bootstrapServer } from '../../tooling/bootstrap-database';
import { freePort } from '../../tooling/free-port';
import { startEmbeddedPostgres } from '../../tooling/embedded-postgres';
import { seedDemo } from '@myhotel/hotel';
import { specOperations } from '../support/spec';
import { killAllNodeProcesses, stopNodeProcess } from '../../tooling/node-process';
import type { ServiceProcess } from '../support/processes';
import { startStack } from '../support/stack';

const execFileAsync = promisify(execFile);

export const SCHEMATHESIS_VERSION = '4.32.5';
const repoRoot = path.resolve(__dirname, '..', '..');
const toolsDir = path.join(repoRoot, 'node_modules', '.cache', 'myhotel-tools');
export const venvDir = path.join(toolsDir, `schemathesis-${SCHEMATHESIS_VERSION}`);

export const roles = ['anonymous', 'guest', 'staff', 'admin'] as const;
export type FuzzRole = (typeof roles)[number];
export type FuzzService = 'auth' | 'hotel';

export const checks = [
  'not_a_server_error',
  'response_schema_conformance',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
];

export interface Budget {
  name: string;
  /** Test cases per operation and phase (schemathesis --max-examples). */
  maxExamples: number;
  seed: number;
  phases: string;
}

/** The budget of a mode: `small` is bounded and deterministic (seeded) for `npm test`. */
export function budgetFor(spec: string, seedOverride?: string): Budget {
  const phases = 'examples,coverage,fuzzing,stateful';
  const randomSeed = () => Math.floor(Math.random() * 2 ** 31);
  const seed = (fallback: number) => (seedOverride ? Number(seedOverride) : fallback);
  if (spec === 'small') return { name: 'small', maxExamples: 10, seed: seed(20260101), phases };
  if (spec === 'large') return { name: 'large', maxExamples: 200, seed: seed(randomSeed()), phases };
  const examples = Number(spec);
  if (Number.isInteger(examples) && examples > 0) {
    return { name: `${examples} examples`, maxExamples: examples, seed: seed(randomSeed()), phases };
  }
  throw new Error(`unknown fuzz budget "${spec}" (small, large or a number of examples per operation)`);
}

// ------------------------------------------------------------------------------------------
// schemathesis in a virtualenv

async function findPython(): Promise<string> {
  const candidates = [process.env.MYHOTEL_PYTHON, 'python3.11', 'python3'].filter(Boolean) as string[];
  for (const candidate of candidates) {
    try {
      const { stdout } = await execFileAsync(candidate, [
        '-c',
        'import sys; print(sys.version_info >= (3, 9))',
      ]);
      if (stdout.trim() === 'True') return candidate;
    } catch {
      // not installed: try the next one
    }
  }
  throw new Error(`no Python 3.9+ found (tried ${candidates.join(', ')}); set MYHOTEL_PYTHON`);
}

const venvPython = (dir: string) => path.join(dir, 'bin', 'python');
const readyMarker = (dir: string) => path.join(dir, '.myhotel-ready');

/**
 * The virtualenv's python, with schemathesis installed (idempotent). The venv is built in a
 * private temporary directory and renamed into place; the first rename wins and the others
 * discard their copy. Scripts in the venv carry the temporary path in their shebang, so
 * schemathesis always runs as `<venv>/bin/python -m schemathesis.cli`.
 */
export async function ensureSchemathesis(log: (line: string) => void = () => undefined): Promise<string> {
  if (existsSync(readyMarker(venvDir))) return venvPython(venvDir);
  await fs.mkdir(toolsDir, { recursive: true });
  const tmp = await fs.mkdtemp(path.join(toolsDir, `.schemathesis-${SCHEMATHESIS_VERSION}.tmp-`));
  try {
    const python = await findPython();
    log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${path.relative(repoRoot, venvDir)}`);
    await execFileAsync(python, ['-m', 'venv', tmp], { timeout: 60_000 });
    await execFileAsync(
      venvPython(tmp),
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-input',
        `schemathesis==${SCHEMATHESIS_VERSION}`,
      ],
      { timeout: 150_000, maxBuffer: 16 * 1024 * 1024 },
    ).catch((err: { stderr?: string; message: string }) => {
      throw new Error(
        `pip install schemathesis==${SCHEMATHESIS_VERSION} failed: ${err.stderr || err.message}`,
      );
    });
    await fs.writeFile(readyMarker(tmp), `${SCHEMATHESIS_VERSION}\n`);
    try {
      await fs.rename(tmp, venvDir);
    } catch (err) {
      if (existsSync(readyMarker(venvDir))) return venvPython(venvDir); // another run won
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      // A stale directory without the marker (interrupted by hand): replace it.
      await fs.rm(venvDir, { recursive: true, force: true });
      await fs.rename(tmp, venvDir);
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return venvPython(venvDir);
}

// ------------------------------------------------------------------------------------------
// The system under test

async function api(
  base: string,
  method: string,
  route: string,
  body?: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Real accounts for each role (admin from configuration, staff promoted by the admin). */
async function createAccounts(
  auth: string,
  hotel: string,
  admin: { email: string; password: string },
): Promise<Record<Exclude<FuzzRole, 'anonymous'>, string>> {
  const login = async (email: string, password: string) =>
    (await api(auth, 'POST', '/api/auth/login', { email, password })).access_token as string;
  const register = async (name: string, email: string, password: string) =>
    (await api(auth, 'POST', '/api/auth/register', { name, email, password })).id as string;
  const adminToken = await login(admin.email, admin.password);
  const [staffId] = await Promise.all([
    register('Fuzz Staff', 'staff@fuzz.example', 'fuzz-staff-password'),
    register('Fuzz Guest', 'guest@fuzz.example', 'fuzz-guest-password'),
  ]);
  await api(auth, 'PATCH', `/api/users/${staffId}`, { role: 'staff' }, adminToken);
  const [staffToken, guestToken] = await Promise.all([
    login('staff@fuzz.example', 'fuzz-staff-password'),
    login('guest@fuzz.example', 'fuzz-guest-password'),
  ]);
  // Some guest profiles, bookings and notifications, so that lists and lookups return real items.
  await api(hotel, 'GET', '/api/guests/me', undefined, guestToken);
  await api(hotel, 'POST', '/api/guests', { name: 'Fuzz Walk-in', phone: '+62 812 555 0101' }, staffToken);
  const rooms = (await api(hotel, 'GET', '/api/rooms?status=available&limit=3', undefined, adminToken))
    .items as Array<{ id: string }>;
  for (const [i, room] of rooms.entries()) {
    const booking = await api(
      hotel,
      'POST',
      '/api/bookings',
      { room_id: room.id, check_in: isoDay(10 + i), check_out: isoDay(12 + i), guests: 1 },
      guestToken,
    );
    if (i > 0) await api(hotel, 'POST', `/api/bookings/${String(booking.id)}/confirm`, undefined, staffToken);
  }
  return { admin: adminToken, staff: staffToken, guest: guestToken };
}

// ------------------------------------------------------------------------------------------
// Running schemathesis

/** operationIds of a spec's operations that require a token (neither `security: []` nor public by default). */
export function protectedOperations(service: FuzzService): string[] {
  return specOperations([service])
    .filter((op) => ((op.operation.security ?? op.document.root.security ?? []) as unknown[]).length > 0)
    .flatMap((op) => (typeof op.operation.operationId === 'string' ? [op.operation.operationId] : []));
}

/**
 * Who fuzzes what: public operations (register, login, rooms, availability…) as anonymous
 * and as a guest; operations that need a token as every role. A staff or admin token adds
 * nothing to a public operation, and leaving them out saves a third of the run.
 */
function operationFilter(service: FuzzService, role: FuzzRole): string[] {
  if (role === 'anonymous' || role === 'guest') return [];
  return protectedOperations(service).flatMap((id) => ['--include-operation-id', id]);
}

export interface FuzzRun {
  service: FuzzService;
  role: FuzzRole;
  exitCode: number | null;
  output: string;
  durationMs: number;
}

export interface FuzzResult {
  ok: boolean;
  budget: Budget;
  runs: FuzzRun[];
  /** Human-readable: the schemathesis output of every failed run, and the services' logs. */
  report: string;
  /** The services' logs (LOG_LEVEL=warn): the stack traces behind 5xx findings. */
  serviceLogs: string;
  durationMs: number;
}

function runSchemathesis(
  python: string,
  service: ServiceProcess,
  role: FuzzRole,
  token: string | undefined,
  budget: Budget,
  workDir: string,
): Promise<FuzzRun> {
  const started = Date.now();
  const args = [
    '-m',
    'schemathesis.cli',
    '--config-file',
    path.join(__dirname, 'schemathesis.toml'),
    'run',
    path.join(repoRoot, 'openapi', `${service.name}.yaml`),
    '--url',
    service.base,
    '--checks',
    checks.join(','),
    '--mode',
    'all',
    '--phases',
    budget.phases,
    '--max-examples',
    String(budget.maxExamples),
    '--seed',
    String(budget.seed),
    '--generation-database',
    'none',
    '--request-timeout',
    '10',
    '--workers',
    '1',
    '--no-color',
    '--output-truncate',
    'false',
    '--suppress-health-check',
    'all',
    ...operationFilter(service.name, role),
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      cwd: workDir,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (exitCode) =>
      resolve({ service: service.name, role, exitCode, output, durationMs: Date.now() - started }),
    );
  });
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export interface FuzzOptions {
  /** small (default), large or a number of examples per operation. */
  budget?: string;
  /** Random seed; default: fixed for `small`, random otherwise. */
  seed?: string;
  log?: (line: string) => void;
  /** Concurrent schemathesis runs (default FUZZ_CONCURRENCY or 4). */
  concurrency?: number;
  /** Provides the database; default: a throw-away embedded PostgreSQL. */
  database?: () => Promise<FuzzDatabase>;
}

/** A bootstrapped, empty database with the auth and hotel login roles. */
export interface FuzzDatabase {
  authUrl: string;
  hotelUrl: string;
  /** Drops or stops it (after the services have stopped). */
  stop(): Promise<void>;
}

/** A throw-away embedded PostgreSQL in a temporary directory, bootstrapped as in production. */
export async function startEmbeddedDatabase(): Promise<FuzzDatabase> {
  const postgres = await startEmbeddedPostgres({
    dataDir: mkdtempSync(path.join(tmpdir(), 'myhotel-fuzz-pg-')),
    port: await freePort(),
    password: 'postgres',
    temporary: true,
    settings: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'],
  });
  try {
    const database = await bootstrapServer(postgres.url(), {
      auth: 'fuzz-auth',
      hotel: 'fuzz-hotel',
    });
    return {
      authUrl: database.urlFor('auth'),
      hotelUrl: database.urlFor('hotel'),
      stop: () => postgres.stop(),
    };
  } catch (err) {
    await postgres.stop().catch(() => undefined);
    throw err;
  }
}

export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const budget = budgetFor(options.budget ?? 'small', options.seed);
  const concurrency = options.concurrency ?? Number(process.env.FUZZ_CONCURRENCY ?? 4);
  const workDir = mkdtempSync(path.join(tmpdir(), 'myhotel-fuzz-'));
  const services: ServiceProcess[] = [];
  let database: FuzzDatabase | undefined;
  try {
    // The virtualenv (first run: pip) and the database come up side by side.
    const [python] = await Promise.all([
      ensureSchemathesis(log),
      (async () => {
        database = await (options.database ?? startEmbeddedDatabase)();
      })(),
    ]);
    const db = database!;

    const admin = { email: 'admin@fuzz.example', password: 'fuzz-admin-password' };
    // NODE_ENV=test: the services also validate their own responses. Up to ~4 MB of each
    // service's log (LOG_LEVEL=warn): the stack traces behind findings. No webhook is sent:
    // the fuzzer subscribes made-up URLs, which must not be called (the contract is the subject).
    const { auth, hotel, hotelEnv } = await startStack({
      database: db,
      admin,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        SHUTDOWN_DELAY_MS: '0',
        ACCESS_TOKEN_TTL_SECONDS: '3600',
        WEBHOOK_WORKER_ENABLED: 'false',
      },
      spawnOptions: { readyTimeoutMs: 60_000, keepOutputChars: 4_000_000 },
    });
    await seedDemo(hotelEnv);
    services.push(auth, hotel);
    const tokens = await createAccounts(auth.base, hotel.base, admin);
    log(
      `fuzzing (budget ${budget.name}: ${budget.maxExamples} examples per operation and phase, seed ${budget.seed})`,
    );

    const tasks = services.flatMap((service) =>
      roles.map((role) => async () => {
        const run = await runSchemathesis(
          python,
          service,
          role,
          role === 'anonymous' ? undefined : tokens[role],
          budget,
          workDir,
        );
        log(
          `${service.name} as ${role}: ${run.exitCode === 0 ? 'ok' : `FAILED (exit ${run.exitCode})`} in ${(run.durationMs / 1000).toFixed(1)} s`,
        );
        return run;
      }),
    );
    const runs = await pool(concurrency, tasks);
    const failed = runs.filter((run) => run.exitCode !== 0);
    const serviceLogs = services
      .map((s) => `===== ${s.name} service log (LOG_LEVEL=warn) =====\n${s.output()}`)
      .join('\n');
    const report = failed
      .map(
        (run) =>
          `===== schemathesis: ${run.service} as ${run.role} (exit ${run.exitCode}) =====\n${run.output}`,
      )
      .concat(failed.length ? [serviceLogs] : [])
      .join('\n');
    return { ok: failed.length === 0, budget, runs, report, serviceLogs, durationMs: Date.now() - started };
  } finally {
    await Promise.all(services.map((service) => stopNodeProcess(service, 10_000)));
    await killAllNodeProcesses(); // one that failed to start while the other did
    await database?.stop().catch(() => undefined);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const argv = process.argv.slice(2);
  const budgetIndex = argv.indexOf('--budget');
  const budget = process.env.FUZZ_BUDGET ?? (budgetIndex >= 0 ? argv[budgetIndex + 1] : undefined);
  const log = (line: string) => print(`[fuzz] ${line}`);
  runFuzz({ budget, seed: process.env.FUZZ_SEED, log }).then(
    (result) => {
      for (const run of result.runs) {
        print(`\n===== schemathesis: ${run.service} as ${run.role} (exit ${run.exitCode}) =====`);
        print(run.output);
      }
      if (!result.ok) print(result.serviceLogs);
      log(
        `${result.ok ? 'no findings' : 'FINDINGS (see above)'}; seed ${result.budget.seed}; ${(result.durationMs / 1000).toFixed(1)} s`,
      );
      process.exit(result.ok ? 0 : 1);
    },
    (err: unknown) => {
      console.error('[fuzz] failed:', err);
      process.exit(1);
    },
  );
}
