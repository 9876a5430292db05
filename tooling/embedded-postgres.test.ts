import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { EmbeddedPostgresError, reapOrphanedServers, startEmbeddedPostgres } from './embedded-postgres';
import { pollUntil } from './readiness';

jest.setTimeout(120_000);

async function selectOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

test('a temporary server answers, and stop() deletes its data', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'myhotel-tooling-pg-'));
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    password: 'pw',
    temporary: true,
  });
  expect(await selectOne(server.url('postgres'))).toBe(1);
  await server.stop();
  expect(() => statSync(dataDir)).toThrow();
});

test('a port in use is one clear error naming the port, not a crash', async () => {
  const port = await freePort();
  const squatter: Server = createServer().listen(port, '127.0.0.1');
  const dataDir = mkdtempSync(join(tmpdir(), 'myhotel-tooling-pg-'));
  try {
    const failure = startEmbeddedPostgres({ dataDir, port, password: 'pw', temporary: true });
    await expect(failure).rejects.toThrow(EmbeddedPostgresError);
    await expect(failure).rejects.toThrow(new RegExp(`port ${port}.*could not (bind|create)`));
  } finally {
    squatter.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot(
  'as root, data in a folder the postgres user cannot enter is relocated; a deleted link means a fresh cluster',
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'myhotel-home-')); // 0700, like /root
    const dataDir = join(home, '.data', 'postgres');
    try {
      const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'one' });
      expect(first.dataDir).toMatch(/^\/var\/lib\/myhotel\/embedded-postgres\//);
      expect(await selectOne(first.url())).toBe(1);
      await first.stop();
      rmSync(join(home, '.data'), { recursive: true, force: true }); // as `rm -rf .data` does
      const second = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        password: 'two',
        temporary: true,
      });
      expect(second.dataDir).toBe(first.dataDir);
      expect(await selectOne(second.url())).toBe(1); // the new password works: a new cluster
      await second.stop();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
);

/** The state letter of a process (R, S, T = stopped, …), or undefined once it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * The owner: starts a temporary server, freezes it with all its processes (SIGSTOP, as the
 * frozen-database fault test does), reports their pids, and waits to be killed.
 */
const frozenServerOwner = `
  const { readFileSync } = require('node:fs');
  const { startEmbeddedPostgres } = require(${JSON.stringify(join(__dirname, 'embedded-postgres.ts'))});
  startEmbeddedPostgres({ dataDir: process.env.DATA_DIR, port: Number(process.env.PORT), password: 'pw', temporary: true })
    .then((pg) => {
      const children = readFileSync('/proc/' + pg.pid + '/task/' + pg.pid + '/children', 'utf8').trim().split(/\\s+/).map(Number);
      for (const pid of [pg.pid, ...children]) process.kill(pid, 'SIGSTOP');
      console.log(JSON.stringify({ postmaster: pg.pid, children }));
      setInterval(() => undefined, 1000);
    });
`;

const onLinux = process.platform === 'linux' ? test : test.skip;
onLinux(
  'a run killed mid-way leaves no frozen PostgreSQL: the next start reaps it and its data',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'myhotel-tooling-pg-'));
    const owner = spawn(process.execPath, ['--import', 'tsx', '--eval', frozenServerOwner], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const reported = await new Promise<string>((resolve) =>
      owner.stdout!.once('data', (chunk) => resolve(String(chunk))),
    );
    const { postmaster, children } = JSON.parse(reported) as { postmaster: number; children: number[] };
    expect(children.length).toBeGreaterThan(0);

    // Killed as a CI timeout kills a run: no cleanup code of the owner runs.
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    // The postmaster dies with its owner; its frozen backends would stay stopped forever.
    await pollUntil(
      'the postmaster to die with its owner',
      async () => processState(postmaster) === undefined,
      10_000,
    );
    expect(children.map(processState)).toContain('T');

    reapOrphanedServers(); // what every start does first
    await pollUntil(
      'the frozen backends to be gone',
      async () => children.every((pid) => processState(pid) === undefined || processState(pid) === 'Z'),
      10_000,
    );
    expect(existsSync(dataDir)).toBe(false);
  },
);
