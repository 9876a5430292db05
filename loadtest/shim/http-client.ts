/**
 * The runner's side of k6/http: sends a VU's request over that VU's own keep-alive
 * connections (k6 keeps one connection pool per VU), times it, and records what k6 records
 * for it: http_reqs, http_req_duration (from the connected socket to the last byte, as k6's
 * sending + waiting + receiving) and, unless the responseCallback is null, http_req_failed
 * (default: 200–399 expected), tagged with method, url, name (default: the URL), status,
 * proto, expected_response and the VU's tags. Network errors answer status 0 with k6's error
 * codes; k6's 60 s request timeout applies. Redirects and cookies are not implemented: a
 * response that would need them is reported.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Sample } from './metrics.ts';
import type { ExpectedStatuses, HttpRequest, HttpResponse } from './protocol.ts';

const requestTimeoutMs = 60_000;
const userAgent = 'k6-shim/1 (MyHotel test runner; +loadtest/shim)';

/** k6's error codes (lib/netext/httpext/error_codes.go) for the socket errors Node reports. */
const errorCodes: Record<string, [number, string]> = {
  ECONNREFUSED: [1212, 'dial: connection refused'],
  ETIMEDOUT: [1211, 'dial: i/o timeout'],
  ENOTFOUND: [1101, 'lookup: no such host'],
  EAI_AGAIN: [1100, 'lookup: temporary failure'],
  ECONNRESET: [1220, 'read: connection reset by peer'],
  EPIPE: [1201, 'write: broken pipe'],
};

/** Go's http.CanonicalMIMEHeaderKey: content-type → Content-Type. */
const canonical = (name: string) =>
  name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

function headersOf(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = canonical(res.rawHeaders[i]!);
    const value = res.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

const defaultExpected = { exact: [] as number[], ranges: [[200, 399]] as Array<[number, number]> };

function isExpected(expected: Exclude<ExpectedStatuses, null>, status: number): boolean {
  const rule = expected === 'default' ? defaultExpected : expected;
  return rule.exact.includes(status) || rule.ranges.some(([min, max]) => status >= min && status <= max);
}

export interface HttpClientEvents {
  samples(samples: Sample[]): void;
  /** Behaviour of k6 the shim does not implement (redirects, cookies). */
  notImplemented(what: string): void;
  /** k6 logs failed requests as warnings. */
  warn(message: string): void;
}

export class HttpClient {
  private readonly agents = new Map<number, { http: HttpAgent; https: HttpsAgent }>();
  private readonly events: HttpClientEvents;

  constructor(events: HttpClientEvents) {
    this.events = events;
  }

  private agentsOf(vuId: number) {
    let agents = this.agents.get(vuId);
    if (!agents) {
      agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
      this.agents.set(vuId, agents);
    }
    return agents;
  }

  async send(vuId: number, req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const https = url.protocol === 'https:';
    const body = req.body === null ? undefined : Buffer.from(req.body);
    const headers: Record<string, string> = { 'User-Agent': userAgent, ...req.headers };
    // As Go's client: a Content-Length on every request that may carry a body, 0 when empty.
    if (body || !['GET', 'HEAD', 'OPTIONS'].includes(req.method))
      headers['Content-Length'] = String(body?.length ?? 0);
    const send = https ? httpsRequest : httpRequest;
    const agents = this.agentsOf(vuId);
    const outcome = await new Promise<{
      res?: IncomingMessage;
      body?: string;
      ms: number;
      error?: NodeJS.ErrnoException;
    }>((resolve) => {
      let connectedAt = performance.now();
      const outgoing = send(
        url,
        { method: req.method, headers, agent: https ? agents.https : agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              res,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - connectedAt,
            }),
          );
          res.on('error', (error) => resolve({ error, ms: performance.now() - connectedAt }));
        },
      );
      outgoing.on('socket', (socket) => {
        if (socket.connecting)
          socket.once(https ? 'secureConnect' : 'connect', () => (connectedAt = performance.now()));
        else connectedAt = performance.now();
      });
      outgoing.setTimeout(requestTimeoutMs, () =>
        outgoing.destroy(Object.assign(new Error('request timeout'), { code: 'K6_REQUEST_TIMEOUT' })),
      );
      outgoing.on('error', (error) => resolve({ error, ms: performance.now() - connectedAt }));
      outgoing.end(body);
    });
    return this.record(req, outcome);
  }

  private record(
    req: HttpRequest,
    outcome: { res?: IncomingMessage; body?: string; ms: number; error?: NodeJS.ErrnoException },
  ): HttpResponse {
    const { res, error } = outcome;
    const status = res?.statusCode ?? 0;
    let errorCode = 0;
    let errorText = '';
    if (error) {
      [errorCode, errorText] =
        error.code === 'K6_REQUEST_TIMEOUT'
          ? [1050, 'request timeout']
          : (errorCodes[error.code ?? ''] ?? [1000, error.message]);
      this.events.warn(`Request Failed error="${req.method} ${req.url}: ${errorText}"`);
    }
    const headers = res ? headersOf(res) : {};
    if (headers['Set-Cookie'])
      this.events.notImplemented(`cookies (${req.method} ${req.url} answered Set-Cookie)`);
    if (status >= 300 && status < 400 && headers.Location) {
      this.events.notImplemented(`following redirects (${req.method} ${req.url} answered ${status})`);
    }
    const tags: Record<string, string> = {
      name: req.url,
      ...req.tags,
      method: req.method,
      url: req.url,
      status: String(status),
      proto: res ? `HTTP/${res.httpVersion}` : '',
      ...(errorCode ? { error_code: String(errorCode) } : {}),
    };
    const samples: Sample[] = [];
    if (req.expected !== null) {
      const expected = isExpected(req.expected, status);
      tags.expected_response = String(expected);
      samples.push({ metric: 'http_req_failed', value: expected ? 0 : 1, tags });
    }
    samples.push(
      { metric: 'http_reqs', value: 1, tags },
      { metric: 'http_req_duration', value: outcome.ms, tags },
    );
    this.events.samples(samples);
    return {
      status,
      statusText: res ? `${status} ${res.statusMessage ?? ''}`.trim() : '',
      proto: tags.proto!,
      url: req.url,
      headers,
      body: error ? null : (outcome.body ?? ''),
      error: errorText,
      errorCode,
    };
  }

  close(): void {
    for (const { http, https } of this.agents.values()) {
      http.destroy();
      https.destroy();
    }
  }
}
