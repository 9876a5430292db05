/**
 * A raw HTTP client for tests against real processes: it records latency and whether a kept-
 * alive socket was reused, and reports socket-level failures as answers instead of throwing.
 */
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  method: string;
  path: string;
  /** 0 when the request failed at the socket level (see `error`). */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Socket-level error code (ECONNREFUSED, ECONNRESET, CLIENT_TIMEOUT …). */
  error?: string;
  /** Whether the request went out on a kept-alive socket used before. */
  reusedSocket: boolean;
  start: number;
  end: number;
  ms: number;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** An http.Agent (keep-alive pools) or false for a fresh connection. */
  agent?: Agent | false;
  /** Client-side bound: a hang becomes error CLIENT_TIMEOUT instead of a stuck test. */
  timeoutMs?: number;
}

/** One HTTP request; never throws: socket failures come back as `status: 0, error`. */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const start = Date.now();
  return new Promise<Answer>((resolve) => {
    let reusedSocket = false;
    let settled = false;
    const done = (partial: Pick<Answer, 'status' | 'headers' | 'body'> & { error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const end = Date.now();
      resolve({ method, path, reusedSocket, start, end, ms: end - start, ...partial });
    };
    const req = request(
      url,
      {
        method,
        agent: options.agent ?? false,
        headers: {
          accept: 'application/json, application/problem+json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) =>
          done({ status: 0, headers: res.headers, body: '', error: err.code ?? err.message }),
        );
      },
    );
    req.on('socket', () => {
      reusedSocket = req.reusedSocket;
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ status: 0, headers: {}, body: '', error: err.code ?? err.message }),
    );
    const timer = setTimeout(() => {
      done({ status: 0, headers: {}, body: '', error: 'CLIENT_TIMEOUT' });
      req.destroy();
    }, options.timeoutMs ?? 20_000);
    req.end(payload);
  });
}

/** True for an RFC 9457 503 answer with Retry-After. */
export function isUnavailableProblem(answer: Answer): boolean {
  if (answer.status !== 503 || !answer.headers['retry-after']) return false;
  if (!String(answer.headers['content-type']).startsWith('application/problem+json')) return false;
  try {
    const body = JSON.parse(answer.body) as { status?: number; type?: string };
    return body.status === 503 && typeof body.type === 'string';
  } catch {
    return false;
  }
}

/** How many answers ended in each status (or socket error). */
export function tallyOutcomes(answers: Answer[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const answer of answers) {
    const outcome = answer.error ?? String(answer.status);
    tally[outcome] = (tally[outcome] ?? 0) + 1;
  }
  return tally;
}

/** The answers that are neither a success (200, 201) nor a 503 problem+json, described. */
export function unexpectedOutcomes(answers: Answer[]): string[] {
  return answers
    .filter((r) => !(r.status === 200 || r.status === 201 || isUnavailableProblem(r)))
    .map((r) => `${r.method} ${r.path} → ${r.error ?? r.status} ${r.body}`);
}
