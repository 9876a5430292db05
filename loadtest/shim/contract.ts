/**
 * The contract check: every request a script sends is first validated against
 * openapi/auth.yaml or openapi/hotel.yaml (the one declaring its path) by the validator the
 * services run, express-openapi-validator with the services' own request options
 * (services/common/src/request-validation.ts), in an Express app of the shim listening on
 * 127.0.0.1. A script whose request the services would refuse with 400, or that calls a path
 * neither spec declares, is reported, whatever the server then answers.
 *
 * Security: a protected operation needs `Authorization: Bearer <JWT>` (three base64url parts):
 * "Bearer undefined" from a missing token is caught here, not only by a 401 later.
 */
import { readFileSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import { registerHooks } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { parse } from 'yaml';
import type { HttpRequest } from './protocol.ts';

const openapiDir = new URL('../../openapi/', import.meta.url);
const specFiles = ['auth.yaml', 'hotel.yaml'];
const jwtBearer = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

type ValidationOptions = Partial<Parameters<typeof OpenApiValidator.middleware>[0]>;

/**
 * The services' request options. services/common is a CommonJS package (tsx and tsc build it),
 * so Node would take its ESM-syntax module for CommonJS first; it is loaded as the
 * type-only-importing ES module it is.
 */
async function servicesRequestOptions(): Promise<ValidationOptions> {
  const url = new URL('../../services/common/src/request-validation.ts', import.meta.url).href;
  registerHooks({
    load: (u, context, nextLoad) =>
      nextLoad(u, u === url ? { ...context, format: 'module-typescript' } : context),
  });
  const { requestValidationOptions } = (await import(url)) as { requestValidationOptions: ValidationOptions };
  return requestValidationOptions;
}

interface SpecRoutes {
  file: string;
  templates: RegExp[];
  validate: RequestHandler;
}

function routesOf(file: string, validation: ValidationOptions): SpecRoutes {
  const apiSpec = fileURLToPath(new URL(file, openapiDir));
  const spec = parse(readFileSync(apiSpec, 'utf8')) as { paths: Record<string, unknown> };
  const templates = Object.keys(spec.paths).map(
    (path) => new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  );
  const router = express.Router();
  router.use(
    OpenApiValidator.middleware({
      ...validation,
      apiSpec,
      validateResponses: false,
      validateSecurity: {
        handlers: { bearerAuth: (req) => jwtBearer.test(req.headers.authorization ?? '') },
      },
    }),
  );
  return { file, templates, validate: router };
}

function validatorApp(validation: ValidationOptions): express.Express {
  const specs = specFiles.map((file) => routesOf(file, validation));
  const app = express();
  app.use(express.json({ strict: true, type: ['application/json', 'application/*+json'] }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const spec = specs.find((s) => s.templates.some((t) => t.test(req.path)));
    if (!spec) {
      res.status(404).json({ message: `no path of openapi/${specFiles.join(' or openapi/')} matches` });
      return;
    }
    spec.validate(req, res, next);
  });
  app.use((_req: Request, res: Response) => {
    res.status(204).end();
  });
  app.use(
    (
      error: { status?: number; message: string; errors?: unknown[] },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      res.status(error.status ?? 500).json({ message: error.message, errors: error.errors ?? [] });
    },
  );
  return app;
}

export interface ContractCheck {
  /** Why the request breaks the contract, or undefined when it conforms. */
  check(request: HttpRequest): Promise<string | undefined>;
  close(): Promise<void>;
}

function describeRefusal(status: number, body: string): string {
  try {
    const problem = JSON.parse(body) as {
      message: string;
      errors?: Array<{ path?: string; message?: string }>;
    };
    const details = (problem.errors ?? []).map((e) => `${e.path ?? ''} ${e.message ?? ''}`.trim());
    return details.length > 0 ? details.join('; ') : `${status} ${problem.message}`;
  } catch {
    return `${status} ${body}`;
  }
}

export async function startContractCheck(): Promise<ContractCheck> {
  const server: Server = validatorApp(await servicesRequestOptions()).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });
  const check = (req: HttpRequest) =>
    new Promise<string | undefined>((resolve, reject) => {
      const target = new URL(req.url);
      const body = req.body === null ? undefined : Buffer.from(req.body);
      const headers: Record<string, string> = { ...req.headers, 'content-length': String(body?.length ?? 0) };
      delete headers.host;
      delete headers.Host;
      const validation = request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: `${target.pathname}${target.search}`,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve(
              res.statusCode === 204
                ? undefined
                : describeRefusal(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')),
            ),
          );
        },
      );
      validation.on('error', reject);
      validation.end(body);
    });
  return {
    check,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
