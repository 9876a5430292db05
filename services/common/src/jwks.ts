import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type CompactJWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTVerifyGetKey,
} from 'jose';

export interface RemoteKeySetOptions {
  /** How long fetched keys count as fresh before jose refetches them (default 1 h). */
  cacheMaxAgeMs?: number;
  /**
   * Minimum time between fetches caused by an unknown `kid` (jose's cooldown), and how long
   * a failed fetch is not retried (default 30 s): a flood of forged kids cannot hammer auth.
   */
  cooldownMs?: number;
  /** Timeout of one JWKS request (default 2 s). */
  timeoutMs?: number;
}

export interface RemoteKeySet extends JWTVerifyGetKey {
  /** Number of JWKS fetches that failed (for tests and diagnostics). */
  readonly failures: number;
}

/** Errors of the key lookup itself (no key / ambiguous / bad alg): never a reason to fall back. */
function isLookupError(err: unknown): boolean {
  return (
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys ||
    err instanceof errors.JOSENotSupported
  );
}

/**
 * Verification keys from a remote JWKS (auth's `/.well-known/jwks.json`), built on jose's
 * `createRemoteJWKSet`:
 * - keys are cached; after `cacheMaxAgeMs` they are refetched on the next verification;
 * - a token with an unknown `kid` triggers a refetch (at most once per `cooldownMs`), so a
 *   key rotation in auth is picked up at once;
 * - when a fetch fails (auth down, timeout, bad answer), jose would fail the verification
 *   even though it still holds the previous keys; this wrapper keeps verifying with the last
 *   good key set instead, and does not retry the fetch for `cooldownMs`.
 * Before the first successful fetch there are no keys: verification fails (→ 401).
 */
export function remoteKeySet(url: string | URL, options: RemoteKeySetOptions = {}): RemoteKeySet {
  const cooldownMs = options.cooldownMs ?? 30_000;
  const remote = createRemoteJWKSet(new URL(url), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 3_600_000,
    cooldownDuration: cooldownMs,
    timeoutDuration: options.timeoutMs ?? 2_000,
  });
  let failedAt = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let lastGood: JWTVerifyGetKey | undefined;

  const fallback = (): JWTVerifyGetKey | undefined => {
    const jwks = remote.jwks();
    if (jwks) lastGood = createLocalJWKSet(jwks);
    return lastGood;
  };

  const getKey = async (header: CompactJWSHeaderParameters, token: FlattenedJWSInput) => {
    if (lastGood && Date.now() - failedAt < cooldownMs) return lastGood(header, token);
    try {
      return await remote(header, token);
    } catch (err) {
      if (isLookupError(err)) throw err;
      failedAt = Date.now();
      failures += 1;
      const keys = fallback();
      if (!keys) throw err;
      return keys(header, token);
    }
  };
  return Object.defineProperty(getKey, 'failures', { get: () => failures, enumerable: true }) as RemoteKeySet;
}
