import {
  createServiceApp,
  findApiSpec,
  createTokenVerifier,
  databaseReachable,
  localKeySet,
  type Lifecycle,
  type Logger,
  type Metrics,
} from '@myhotel/common';
import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { loginThrottle } from './api/login-throttle';
import { authRoutes } from './api/routes';
import type { AuthConfig } from './config';
import { loginFailureBudget } from './data/login-failures';
import { RefreshTokenRepository } from './data/refresh-token-repository';
import { UserRepository } from './data/user-repository';
import { SessionService } from './domain/sessions';
import type { SigningKeys } from './domain/signing-keys';
import { AccessTokenSigner } from './domain/tokens';
import { UserService } from './domain/users';

const authApiSpec = findApiSpec('auth.yaml', __dirname);

export interface AuthAppDeps {
  config: AuthConfig;
  dataSource: DataSource;
  keys: SigningKeys;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
}

export interface AuthApp {
  app: Express;
  users: UserService;
}

export function createAuthApp({
  config,
  dataSource,
  keys,
  logger,
  metrics,
  lifecycle,
}: AuthAppDeps): AuthApp {
  const { env } = config;
  const userRepository = new UserRepository(dataSource);
  const refreshTokens = new RefreshTokenRepository(dataSource);
  const signer = new AccessTokenSigner(keys, {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
  });
  const users = new UserService(userRepository);
  const sessions = new SessionService(userRepository, refreshTokens, signer, env.REFRESH_TOKEN_TTL_DAYS);
  const app = createServiceApp({
    apiSpec: authApiSpec,
    logger,
    metrics,
    lifecycle,
    ready: () => databaseReachable(dataSource),
    verifyToken: createTokenVerifier({
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      keys: localKeySet(keys.jwks),
    }),
    routes: authRoutes({
      users,
      sessions,
      jwks: keys.jwks,
      loginThrottle: loginThrottle(
        {
          perClient: loginFailureBudget(
            dataSource,
            'client',
            env.LOGIN_MAX_FAILURES_PER_CLIENT,
            env.LOGIN_FAILURE_WINDOW_SECONDS,
          ),
          perAccount: loginFailureBudget(
            dataSource,
            'account',
            env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
            env.LOGIN_FAILURE_WINDOW_SECONDS,
          ),
        },
        logger,
      ),
    }),
    validateResponses: env.NODE_ENV !== 'production',
    trustProxy: env.TRUST_PROXY,
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    apiDocs: { spec: { name: 'auth', path: authApiSpec } },
  });
  return { app, users };
}
