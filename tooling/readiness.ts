/** The one readiness poll of the dev kit: until a check passes, or a deadline. */
import { get } from 'node:http';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/false;
 * throws, naming `what`, after `timeoutMs`.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** GET `url` on a fresh connection (no keep-alive socket left behind); 0 when it fails. */
function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export interface ReadyOptions {
  timeoutMs?: number;
  /** Which answer counts as ready (default: 200, as /readyz answers once the service can serve). */
  ready?: (status: number) => boolean;
  /** Gives up at once with this reason (e.g. the process exited). */
  abandon?: () => string | undefined;
}

/** Waits until `url` answers as ready. */
export async function waitUntilReady(url: string, options: ReadyOptions = {}): Promise<void> {
  const ready = options.ready ?? ((status) => status === 200);
  await pollUntil(
    `${url} to answer`,
    async () => {
      const reason = options.abandon?.();
      if (reason) throw new Error(reason);
      return ready(await httpStatus(url));
    },
    options.timeoutMs ?? 60_000,
    100,
  );
}
