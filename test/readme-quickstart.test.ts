/**
 * The README's two setup commands and its "Try it" block, run as a new user would: the
 * working tree copied into a folder only its owner may enter (root's home folder is 0700 on
 * most machines), then `npm ci`, `npm start`, the Try-it block executed as written, and
 * Ctrl-C. As root this is the path where PostgreSQL's own user cannot reach the clone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../tooling/free-port';
import { readmeTryIt, readmeTryItClient } from './support/readme';

jest.setTimeout(600_000);

const repoRoot = join(__dirname, '..');
const home = mkdtempSync(join(tmpdir(), 'myhotel-home-')); // mode 0700
const clone = join(home, 'myhotel');
let launcher: ChildProcess | undefined;
const admin = { email: 'ops@example.com', password: 'an-admin-password-from-env' };
let output = '';

/** The working tree as git sees it (tracked and untracked, ignored files left out). */
function copyWorkingTree(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
  })
    .toString('utf8')
    .split('\0')
    .filter((file) => file && existsSync(join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(to, file), { verbatimSymlinks: true });
  }
}

function waitFor(text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = setInterval(() => {
      if (output.includes(text)) {
        clearInterval(check);
        resolve();
      } else if (launcher?.exitCode !== null || Date.now() - started > timeoutMs) {
        clearInterval(check);
        reject(new Error(`npm start never printed "${text}":\n${output.slice(-3000)}`));
      }
    }, 200);
  });
}

/** Process ids whose command line mentions `path` (a data directory, the clone). */
function processesUsing(path: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

afterAll(() => {
  if (launcher?.pid) kill(-launcher.pid);
  const dataLink = join(clone, '.data', 'postgres');
  const relocated = existsSync(dataLink) ? realpathSync(dataLink) : undefined;
  for (const pid of [...processesUsing(clone), ...(relocated ? processesUsing(relocated) : [])]) kill(pid);
  if (relocated?.startsWith('/var/lib/myhotel/')) rmSync(relocated, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

const frontEnd = 'http://localhost:5173';

test('npm ci && npm start (admin from ADMIN_EMAIL/ADMIN_PASSWORD) from a 0700 folder, the Try-it block as written, then Ctrl-C stops everything', async () => {
  copyWorkingTree(clone);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone, stdio: 'pipe' });

  const port = await freePort();
  launcher = spawn('npm', ['start'], {
    cwd: clone,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      // The documented way to choose the first admin (README, Configuration).
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      // Passed through to both services (README, Configuration).
      CORS_ALLOWED_ORIGINS: frontEnd,
    },
    detached: true, // its own process group, as a terminal's Ctrl-C signals one
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [launcher.stdout!, launcher.stderr!])
    stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitFor('MyHotel is running', 240_000);
  expect(output).not.toMatch(/EACCES|Unhandled 'error' event/);
  expect(output).toContain(`admin: ${admin.email} from ADMIN_EMAIL/ADMIN_PASSWORD`);
  expect(output).toMatch(/smoke check: the demo guest signed in and found \d+ free rooms for tonight/);
  expect(output).not.toContain(admin.password);
  const adminLogin = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  expect(adminLogin.status).toBe(200);

  const secrets = JSON.parse(readFileSync(join(clone, '.data', 'local-secrets.json'), 'utf8')) as {
    staffPassword: string;
  };
  const printed = execFileSync('bash', ['-euo', 'pipefail', '-c', readmeTryIt(join(clone, 'README.md'))], {
    cwd: clone,
    env: {
      ...process.env,
      BASE: `http://127.0.0.1:${port}`,
      STAFF_EMAIL: 'staff@myhotel.local',
      STAFF_PASSWORD: secrets.staffPassword,
    },
  }).toString('utf8');
  const lines = printed.trim().split('\n');
  expect(lines.slice(-3)).toEqual(['confirmed', 'checked_in', 'checked_out']);
  expect(printed).toContain('"role":"guest"');
  expect(printed).toContain('"type":"booking_created"');
  expect(printed).not.toMatch(/password_hash|"status":5\d\d/);

  // The TypeScript example, as an ES module of the clone (the typed client from the workspace).
  writeFileSync(join(clone, 'try-it-client.mts'), readmeTryItClient(join(clone, 'README.md')));
  const fromClient = execFileSync('npx', ['tsx', '--conditions=typescript', 'try-it-client.mts'], {
    cwd: clone,
    env: { ...process.env, BASE: `http://127.0.0.1:${port}` },
  }).toString('utf8');
  expect(fromClient.trim()).toMatch(/^pending \d+\.\d{2}$/);

  // What an integrator opens first: the root leads to the API reference, the specs are there,
  // and a browser front end on the configured origin gets its preflight answered.
  const gateway = `http://127.0.0.1:${port}`;
  const root = await fetch(`${gateway}/`);
  expect(root.url).toBe(`${gateway}/docs`);
  expect(await root.text()).toContain('MyHotel API reference');
  for (const spec of ['auth.yaml', 'hotel.yaml', 'auth.json', 'hotel.json']) {
    expect((await fetch(`${gateway}/openapi/${spec}`)).status).toBe(200);
  }
  const preflight = await fetch(`${gateway}/api/bookings`, {
    method: 'OPTIONS',
    headers: {
      Origin: frontEnd,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization',
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(frontEnd);

  // 'close': npm and everything that shares its output (tsx, the launcher, services) is done.
  const closed = new Promise<void>((resolve) => launcher!.once('close', () => resolve()));
  process.kill(-launcher.pid!, 'SIGINT');
  await closed;
  expect(output).toContain('[myhotel] stopped');
  const dataDir = realpathSync(join(clone, '.data', 'postgres'));
  expect(processesUsing(clone)).toEqual([]);
  expect(processesUsing(dataDir)).toEqual([]);
});
