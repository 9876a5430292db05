import type { Middleware } from 'openapi-fetch';

/** An access token and the refresh token that renews it (POST /api/auth/login, /refresh). */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Renews a pair with its refresh token; undefined when the refresh token is no longer valid. */
export type Refresh = (refreshToken: string) => Promise<TokenPair | undefined>;

/** Seconds before expiry at which a token is renewed before it is used. */
const renewAheadSeconds = 30;

function expiresAt(accessToken: string): number | undefined {
  try {
    const payload = JSON.parse(atob(accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: number;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The signed-in state, and the one place tokens are renewed. Refresh tokens rotate on every
 * use and a reused one revokes its whole family, so concurrent requests must never refresh
 * twice: every renewal goes through one promise. A token about to expire is renewed before
 * the request; a request answered 401 is sent once more after a renewal.
 */
export class Session {
  private pair: TokenPair | undefined;
  private renewing: Promise<boolean> | undefined;

  constructor(
    private readonly refresh: Refresh,
    private readonly now: () => number = Date.now,
  ) {}

  get signedIn(): boolean {
    return this.pair !== undefined;
  }

  get refreshToken(): string | undefined {
    return this.pair?.refresh_token;
  }

  get tokens(): TokenPair | undefined {
    return this.pair && { access_token: this.pair.access_token, refresh_token: this.pair.refresh_token };
  }

  set(tokens: TokenPair | undefined): void {
    this.pair = tokens;
  }

  /** Renews the pair once for all callers waiting now; false (and signed out) when it cannot. */
  renew(): Promise<boolean> {
    const refreshToken = this.pair?.refresh_token;
    if (!refreshToken) return Promise.resolve(false);
    this.renewing ??= this.refresh(refreshToken)
      .then((pair) => {
        this.pair = pair;
        return pair !== undefined;
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }

  private async accessToken(): Promise<string | undefined> {
    if (this.renewing) await this.renewing;
    const token = this.pair?.access_token;
    const expiry = token === undefined ? undefined : expiresAt(token);
    if (expiry !== undefined && expiry - this.now() < renewAheadSeconds * 1000) {
      await this.renew();
    }
    return this.pair?.access_token;
  }

  /** openapi-fetch middleware: adds the bearer token, renews and retries once on a 401. */
  middleware(fetcher: typeof fetch): Middleware {
    const retries = new WeakMap<Request, Request>();
    return {
      onRequest: async ({ request }) => {
        if (request.headers.has('Authorization')) return request;
        const token = await this.accessToken();
        if (!token) return request;
        request.headers.set('Authorization', `Bearer ${token}`);
        retries.set(request, request.clone());
        return request;
      },
      onResponse: async ({ request, response }) => {
        const retry = retries.get(request);
        if (response.status !== 401 || !retry || !(await this.renew())) return response;
        retry.headers.set('Authorization', `Bearer ${this.pair!.access_token}`);
        return fetcher(retry);
      },
    };
  }
}
