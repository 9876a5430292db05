/**
 * The auth service's public entry: what other packages (the launcher, the test harnesses,
 * the benchmark) may use. Everything else under src/ is internal and may change freely.
 */
export { start } from './main';
export { migrateAuth } from './cli/migrate';
export { createAuthApp } from './app';
export { loadAuthConfig, type AuthConfig } from './config';
/** Named by the test harness's inferred type (first-admin tests call ensureAdmin). */
export type { UserService } from './domain/users';
export { createAuthDataSource } from './data/data-source';
export { loadSigningKeys, type SigningKeys } from './domain/signing-keys';
/** Signs access tokens exactly as auth does (tests sign tokens without an account). */
export { AccessTokenSigner } from './domain/tokens';
/** The argon2id cost, for the benchmark's per-hash measurement. */
export { passwordHashCost } from './domain/passwords';
