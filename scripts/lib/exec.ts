/**
 * Runs a command to completion: its output is appended to a log file (when given) and stdout is
 * also returned; a non-zero exit rejects with the command line and the last lines of stderr.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface ExecOptions {
  /** Log file the command line and its output are appended to. */
  log?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed. */
  input?: string | Buffer;
  /** Resolve with the exit code instead of rejecting on failure. */
  allowFailure?: boolean;
  /** Kill the command (SIGKILL) after this long. */
  timeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

const commandLine = (cmd: string, args: readonly string[]): string =>
  [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

export function exec(cmd: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const line = commandLine(cmd, args);
  if (options.log) appendFileSync(options.log, `$ ${line}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const record = (chunks: Buffer[]) => (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.log) appendFileSync(options.log, chunk);
    };
    child.stdout.on('data', record(out));
    child.stderr.on('data', record(err));
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref()
      : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`${line}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = {
        code: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code === 0 || options.allowFailure) return resolve(result);
      const lastLines = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
      reject(new Error(`${line} exited ${signal ?? result.code}\n${lastLines}`));
    });
    child.stdin.end(options.input);
  });
}
