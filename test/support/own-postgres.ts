/**
 * An embedded PostgreSQL of one test only (the fault tests stop, start and freeze it), on
 * the dev kit's tooling/embedded-postgres.ts, bootstrapped as in production.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapServer } from '../../tooling/bootstrap-database';
import { startEmbeddedPostgres } from '../../tooling/embedded-postgres';
import { freePort } from '../../tooling/free-port';
import { testPasswords, type ServiceDatabase } from './database';

/** An embedded PostgreSQL of this test only, persistent so that it can be stopped and started again. */
export interface OwnPostgres {
  port: number;
  dataDir: string;
  db: ServiceDatabase;
  /** Fast shutdown (SIGINT): backends are terminated, the port stops accepting. */
  stop(): Promise<void>;
  /** Same data directory, same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops (if running) and deletes the data directory. */
  destroy(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const server = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'myhotel-fault-pg-')),
    port: await freePort(),
    password: 'postgres',
    disposable: true, // deleted by the next start when this test's process was killed
    // Durability stays on (fsync, synchronous_commit): acknowledged writes must survive a restart.
    settings: ['max_connections=100'],
  });
  const destroy = async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  };
  try {
    const database = await bootstrapServer(server.url(), testPasswords);
    return {
      port: server.port,
      dataDir: server.dataDir,
      db: { name: 'myhotel', ...database },
      stop: () => server.stop(),
      start: () => server.start(),
      destroy,
    };
  } catch (err) {
    await destroy();
    throw err;
  }
}

/**
 * SIGSTOP (freeze) or SIGCONT (thaw) the server: the postmaster and all its processes. Frozen,
 * it accepts TCP connections (the kernel's backlog) but answers nothing — an unresponsive
 * database, as behind a network partition.
 */
export function signalPostgres(own: OwnPostgres, signal: 'SIGSTOP' | 'SIGCONT'): number[] {
  const postmaster = Number(readFileSync(join(own.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const pids = signal === 'SIGSTOP' ? [postmaster, ...children] : [...children, postmaster];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
