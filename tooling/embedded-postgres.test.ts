import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../scripts/lib/ports';
import { EmbeddedPostgresError, startEmbeddedPostgres } from './embedded-postgres';

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
