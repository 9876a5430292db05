import express, { type Express, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { apiDocsRouter, type ApiDocsOptions } from './api-docs';
import { authenticate, bearerSecurityHandler, type TokenVerifier } from './auth';
import { corsPolicy } from './cors';
import type { Lifecycle } from './lifecycle';
import { rejectNulCharacters } from './reject-nul-characters';
import { verifyJsonBody } from './json-body';
import { httpLogger } from './request-log';
import type { Metrics } from './metrics';
import { notFoundHandler, problemHandler } from './problem';
import { requestValidationOptions } from './request-validation';
import { installRouteLookup } from './route-lookup';

export interface ServiceAppOptions {
  apiSpec: string;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** Whether the service can serve (database reachable). */
  ready: () => Promise<boolean>;
  verifyToken: TokenVerifier;
  routes: Router;
  /** Validate responses against the spec (tests); requests are always validated. */
  validateResponses: boolean;
  trustProxy: number;
  /** The spec this service publishes, and the reference pages if it hosts them. */
  apiDocs: ApiDocsOptions;
  /** Browser origins allowed cross-origin access (CORS); empty: none. */
  corsAllowedOrigins: readonly string[];
}

/**
 * The shared Express pipeline: request id + log → metrics → security headers → CORS (answers
 * preflights) → probes, published spec and docs → JSON parser → token → OpenAPI validation →
 * no NUL characters → routes → problem+json errors.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  installRouteLookup();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('etag', false);
  app.use(httpLogger(options.logger));
  app.use(options.metrics.middleware);
  app.use(helmet());
  const cors = corsPolicy(options.corsAllowedOrigins);
  if (cors) app.use(cors);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = !options.lifecycle.draining && (await options.ready());
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ready' : options.lifecycle.draining ? 'draining' : 'unavailable' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  app.use(apiDocsRouter(options.apiDocs));

  app.use(
    express.json({
      limit: '100kb',
      strict: true,
      type: ['application/json', 'application/*+json'],
      verify: verifyJsonBody,
    }),
  );
  app.use(authenticate(options.verifyToken));
  app.use(
    OpenApiValidator.middleware({
      ...requestValidationOptions,
      apiSpec: options.apiSpec,
      validateResponses: options.validateResponses ? { removeAdditional: false } : false,
      validateSecurity: { handlers: { bearerAuth: bearerSecurityHandler } },
    }),
  );
  app.use(rejectNulCharacters);
  app.use(options.routes);
  app.use(notFoundHandler);
  app.use(problemHandler(options.logger, options.validateResponses));
  return app;
}
