/**
 * @myhotel/client: the MyHotel APIs, typed from openapi/auth.yaml and openapi/hotel.yaml
 * (openapi-typescript + openapi-fetch). Paths, parameters, bodies and answers are checked by
 * the compiler; tokens are attached and renewed in one place (session.ts).
 *
 *   const myhotel = createMyHotelClient({ baseUrl: 'http://localhost:8080' });
 *   await myhotel.login('ana@example.com', 'a-good-password');
 *   const { data } = await myhotel.hotel.GET('/api/bookings', { params: { query: { limit: 10 } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components as AuthComponents, paths as AuthPaths } from './generated/auth';
import type { components as HotelComponents, paths as HotelPaths } from './generated/hotel';
import { Session, type TokenPair } from './session';

export type { AuthPaths, HotelPaths, TokenPair };
export type AuthSchemas = AuthComponents['schemas'];
export type HotelSchemas = HotelComponents['schemas'];

export interface MyHotelClientOptions {
  /** Where the hotel API (and, by default, the auth API) is: the gateway or the Ingress. */
  baseUrl: string;
  /** Where the auth API is, when it is not behind baseUrl (e.g. in-cluster Services). */
  authBaseUrl?: string;
  /** A fetch of your own (tests, proxies); default: the global fetch. */
  fetch?: typeof fetch;
  /** The clock that decides when a token is about to expire (tests); default: Date.now. */
  now?: () => number;
}

/** A problem+json answer (RFC 9457), as both services send for every 4xx and 5xx. */
export class MyHotelError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; type?: string } & Record<string, unknown>,
  ) {
    super(`${status} ${problem.title ?? 'error'}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.name = 'MyHotelError';
  }
}

export interface MyHotelClient {
  auth: Client<AuthPaths>;
  hotel: Client<HotelPaths>;
  /** Signs in; later requests carry the token, renewed as needed. */
  login(email: string, password: string): Promise<void>;
  /** Revokes the refresh token and forgets the session. */
  logout(): Promise<void>;
  readonly signedIn: boolean;
  /** The current pair, to keep a session across restarts; `restore` takes it back. */
  readonly tokens: TokenPair | undefined;
  restore(tokens: TokenPair): void;
}

export function createMyHotelClient(options: MyHotelClientOptions): MyHotelClient {
  const fetcher = options.fetch ?? globalThis.fetch;
  const authBaseUrl = options.authBaseUrl ?? options.baseUrl;
  const auth = createClient<AuthPaths>({ baseUrl: authBaseUrl, fetch: fetcher });
  const hotel = createClient<HotelPaths>({ baseUrl: options.baseUrl, fetch: fetcher });
  // Login, refresh and logout go without the session's middleware: they carry no access token
  // (a renewal must not wait for itself).
  const tokens = createClient<AuthPaths>({ baseUrl: authBaseUrl, fetch: fetcher });
  const session = new Session(async (refreshToken) => {
    const { data } = await tokens.POST('/api/auth/refresh', { body: { refresh_token: refreshToken } });
    return data;
  }, options.now);
  const middleware = session.middleware(fetcher);
  auth.use(middleware);
  hotel.use(middleware);

  return {
    auth,
    hotel,
    async login(email, password) {
      const { data, error, response } = await tokens.POST('/api/auth/login', { body: { email, password } });
      if (!data) throw new MyHotelError(response.status, error as MyHotelError['problem']);
      session.set(data);
    },
    async logout() {
      const refreshToken = session.refreshToken;
      if (refreshToken) await tokens.POST('/api/auth/logout', { body: { refresh_token: refreshToken } });
      session.set(undefined);
    },
    get signedIn() {
      return session.signedIn;
    },
    get tokens() {
      return session.tokens;
    },
    restore(pair) {
      session.set(pair);
    },
  };
}
