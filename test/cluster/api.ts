/**
 * A small client of the MyHotel API for the cluster test: JSON in and out, a bearer token, and a
 * status check that fails with the problem document the service answered.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: IncomingHttpHeaders;
}

const agent = new Agent({ keepAlive: true });

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload?: string,
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Expected status(es); anything else throws. */
  expect?: number | number[];
  /** Host header (routing by host name through the ingress or a Gateway). */
  host?: string;
}

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly defaultHost?: string,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    // node:http, not fetch: fetch does not let a caller set the Host header
    const host = options.host ?? this.defaultHost;
    if (host) headers.Host = host;
    const {
      status,
      text,
      headers: resHeaders,
    } = await send(new URL(path, this.baseUrl), method, headers, payload);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // not JSON (e.g. a proxy's plain-text error page): keep the text
    }
    const expected = options.expect === undefined ? undefined : [options.expect].flat();
    if (expected && !expected.includes(status)) {
      throw new Error(
        `${method} ${path}: expected ${expected.join('|')}, got ${status}: ${text.slice(0, 300)}`,
      );
    }
    return { status, body: body as T, headers: resHeaders };
  }

  get<T = Record<string, unknown>>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }

  post<T = Record<string, unknown>>(path: string, options?: RequestOptions) {
    return this.request<T>('POST', path, options);
  }

  patch<T = Record<string, unknown>>(path: string, options?: RequestOptions) {
    return this.request<T>('PATCH', path, options);
  }

  /** Logs in; resolves with the access token. */
  async login(email: string, password: string): Promise<string> {
    const res = await this.post<{ access_token: string }>('/api/auth/login', {
      body: { email, password },
      expect: 200,
    });
    return res.body.access_token;
  }

  /** Registers a guest (201) and logs in; resolves with their id and token. */
  async registerGuest(name: string, email: string, password: string): Promise<{ id: string; token: string }> {
    const res = await this.post<{ id: string }>('/api/auth/register', {
      body: { name, email, password },
      expect: 201,
    });
    return { id: res.body.id, token: await this.login(email, password) };
  }
}

/** 'YYYY-MM-DD', `offset` days from today (UTC). */
export const dayFromToday = (offset: number): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export interface Room {
  id: string;
  number: string;
  capacity: number;
}

export interface Booking {
  id: string;
  status: string;
  room_id: string;
  check_in: string;
  check_out: string;
}
