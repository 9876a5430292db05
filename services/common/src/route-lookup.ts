import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * express-openapi-validator 5.6 finds the operation of every request (applyOpenApiMetadata in
 * dist/middlewares/openapi.metadata.js) by walking all documented routes and, for each, reading
 * two app settings, building its route pair, its schema lookups and a path-to-regexp matcher
 * (compiled anew every time: cdimascio/express-openapi-validator#1217) — per request. With our
 * ~20 routes that was the largest cost of request validation in the CPU profile of
 * GET /api/rooms/{id} (see BENCHMARKS.md).
 *
 * `installRouteLookup` replaces that one function with the same lookup over matchers compiled
 * once: same routes in the same order, same matching options (the app's `strict routing` and
 * `case sensitive routing`), same answers (operation, path parameters decoded, 405 with
 * `Allow`, 404, 400 for a malformed URI) — tested against the original on every route of both
 * specs. It checks that the installed file is the exact one it was written against and fails
 * at start-up otherwise, rather than silently replacing code that changed.
 */

/** SHA-256 of dist/middlewares/openapi.metadata.js in express-openapi-validator 5.6.2. */
const knownMetadataSource = 'c03c297d5d40e61001e1a96452b678e3c04553643287fcb57960d66167956af0';

type Next = (err?: unknown) => void;
type Middleware = (req: LookupRequest, res: unknown, next: Next) => void;
type Schema = Record<string, unknown> | undefined;

/** The request fields the lookup reads and writes. */
interface LookupRequest {
  path: string;
  baseUrl: string;
  url: string;
  originalUrl: string;
  method: string;
  params: Record<string, string>;
  app: { enabled(setting: string): boolean };
  openapi?: Record<string, unknown>;
}

/** What the validator's OpenApiContext holds that the lookup uses. */
interface OpenApiContext {
  apiDoc: { paths: Record<string, Record<string, Schema>> };
  expressRouteMap: Record<string, { basePath: string; _openApiRoute: string }>;
  openApiRouteMap: Record<string, Record<string, unknown>>;
  serial: number;
  useRequestUrl: boolean;
  ignoreUndocumented: boolean;
  shouldIgnoreRoute(path: string): boolean;
  isManagedRoute(path: string): boolean;
}

type ResponseApiDoc = { paths: Record<string, Record<string, Schema>> } | undefined;
type ApplyOpenApiMetadata = (context: OpenApiContext, responseApiDoc: ResponseApiDoc) => Middleware;

/** The validator's modules the lookup replaces a function of, and uses the errors of. */
export interface ValidatorInternals {
  metadataModule: { applyOpenApiMetadata: ApplyOpenApiMetadata };
  metadataSource: string;
  pathToRegexp: (path: string, options: { sensitive: boolean; strict: boolean }) => PathMatcher;
  errors: {
    MethodNotAllowed: new (init: { path: string; message: string; headers: Record<string, string> }) => Error;
    NotFound: new (init: { path: string; message: string }) => Error;
    BadRequest: new (init: { path: string; message: string }) => Error;
  };
  httpMethods: Set<string>;
}

interface PathMatcher {
  regexp: RegExp;
  keys: Array<{ name: string }>;
}

export function validatorInternals(): ValidatorInternals {
  const main = require.resolve('express-openapi-validator');
  const load = createRequire(main);
  const metadataPath = join(dirname(main), 'middlewares', 'openapi.metadata.js');
  return {
    metadataModule: load('./middlewares/openapi.metadata') as ValidatorInternals['metadataModule'],
    metadataSource: readFileSync(metadataPath, 'utf8'),
    pathToRegexp: (load('path-to-regexp') as { pathToRegexp: ValidatorInternals['pathToRegexp'] })
      .pathToRegexp,
    errors: load('./framework/types') as ValidatorInternals['errors'],
    httpMethods: (load('./middlewares/parsers/schema.preprocessor') as { httpMethods: Set<string> })
      .httpMethods,
  };
}

/** One documented route, with what the lookup needs of it computed once. */
interface CompiledRoute {
  expressRoute: string;
  openApiRoute: string;
  pathKey: string;
  /** Matchers by the app's (sensitive, strict) settings, compiled on first use. */
  matchers: Map<string, PathMatcher>;
}

function lookupMiddleware(
  internals: ValidatorInternals,
  context: OpenApiContext,
  responseApiDoc: ResponseApiDoc,
): Middleware {
  const { MethodNotAllowed, NotFound, BadRequest } = internals.errors;
  const routes: CompiledRoute[] = Object.entries(context.expressRouteMap).map(([expressRoute, methods]) => ({
    expressRoute,
    openApiRoute: methods._openApiRoute,
    pathKey: methods._openApiRoute.substring(methods.basePath.length),
    matchers: new Map(),
  }));

  function lookupRoute(req: LookupRequest) {
    const path = (context.useRequestUrl ? req.url : req.originalUrl).split('?')[0]!;
    const method = req.method.toLowerCase();
    const sensitive = !!req.app.enabled('case sensitive routing');
    const strict = !!req.app.enabled('strict routing');
    const options = `${sensitive ? 's' : '-'}${strict ? 's' : '-'}`;
    for (const route of routes) {
      let matcher = route.matchers.get(options);
      if (!matcher) {
        matcher = internals.pathToRegexp(route.expressRoute, { sensitive, strict });
        route.matchers.set(options, matcher);
      }
      const matched = matcher.regexp.exec(path);
      if (!matched) continue;
      let pathParams: Record<string, string>;
      try {
        const values = matched.slice(1).map(decodeURIComponent);
        pathParams = {};
        matcher.keys.forEach((key, i) => (pathParams[key.name] = values[i]!));
      } catch {
        throw new BadRequest({ path: req.path, message: `malformed uri'` });
      }
      return {
        schema: context.apiDoc.paths[route.pathKey]![method],
        expressRoute: route.expressRoute,
        openApiRoute: route.openApiRoute,
        pathParams,
        _responseSchema: responseApiDoc?.paths[route.pathKey]![method],
      };
    }
    return null;
  }

  return (req, _res, next) => {
    // As the original: the base path is empty when the path is fully qualified.
    const path = req.path.startsWith(req.baseUrl) ? req.path : `${req.baseUrl}/${req.path}`;
    if (context.shouldIgnoreRoute(path)) return next();
    const matched = lookupRoute(req);
    if (matched) {
      const { expressRoute, openApiRoute, pathParams, schema } = matched;
      if (!schema) {
        // The path is documented, the method is not.
        if (context.ignoreUndocumented) return next();
        throw new MethodNotAllowed({
          path: req.path,
          message: `${req.method} method not allowed`,
          headers: {
            Allow: Object.keys(context.openApiRouteMap[openApiRoute]!)
              .filter((key) => internals.httpMethods.has(key.toLowerCase()))
              .join(', '),
          },
        });
      }
      req.openapi = { expressRoute, openApiRoute, pathParams, schema, serial: context.serial };
      req.params = pathParams;
      if (responseApiDoc) req.openapi._responseSchema = matched._responseSchema;
    } else if (context.isManagedRoute(path) && !context.ignoreUndocumented) {
      throw new NotFound({ path: req.path, message: 'not found' });
    }
    next();
  };
}

const installed = Symbol.for('myhotel.routeLookup');

/** Replaces the validator's per-request route lookup with the precompiled one (idempotent). */
export function installRouteLookup(internals: ValidatorInternals = validatorInternals()): void {
  const target = internals.metadataModule as ValidatorInternals['metadataModule'] & { [installed]?: true };
  if (target[installed]) return;
  const digest = createHash('sha256').update(internals.metadataSource).digest('hex');
  if (digest !== knownMetadataSource) {
    throw new Error(
      'express-openapi-validator internals changed (dist/middlewares/openapi.metadata.js is not the ' +
        'file services/common/src/route-lookup.ts replaces): compare the new applyOpenApiMetadata ' +
        'with lookupMiddleware, carry its changes over (or drop the replacement if ' +
        'cdimascio/express-openapi-validator#1217 made it unneeded), then update knownMetadataSource.',
    );
  }
  const replacement: ApplyOpenApiMetadata = (context, responseApiDoc) =>
    lookupMiddleware(internals, context, responseApiDoc);
  target.applyOpenApiMetadata = replacement;
  if (target.applyOpenApiMetadata !== replacement) throw new Error('openapi.metadata exports are read-only');
  target[installed] = true;
}
