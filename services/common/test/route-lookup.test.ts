import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import request from 'supertest';
import { parse } from 'yaml';
import { requestValidationOptions } from '../src/request-validation';
import { installRouteLookup, validatorInternals } from '../src/route-lookup';

const specPath = (name: string) => join(__dirname, '..', '..', '..', 'openapi', name);

/** An app of the validator alone, answering what it decided about each request. */
function validatorApp(apiSpec: string) {
  const app = express();
  app.use(express.json());
  app.use(OpenApiValidator.middleware({ ...requestValidationOptions, apiSpec, validateSecurity: false }));
  app.use((req, res) => {
    const { expressRoute, openApiRoute, pathParams } =
      (req as { openapi?: Record<string, unknown> }).openapi ?? {};
    res.json({ expressRoute, openApiRoute, pathParams, params: req.params });
  });
  const errors: ErrorRequestHandler = (
    err: { status?: number; message?: string; headers?: unknown },
    _req,
    res,
    _next,
  ) => {
    res.status(err.status ?? 500).json({ message: err.message, headers: err.headers });
  };
  app.use(errors);
  return app;
}

/** Every documented path, with ids of several kinds, and some that are not documented. */
function pathsOf(specFile: string): string[] {
  const spec = parse(readFileSync(specPath(specFile), 'utf8')) as { paths: Record<string, unknown> };
  const ids = ['5f8f1c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f', 'not-a-uuid', 'a%20b', '%E0%A4%A', ''];
  const paths = Object.keys(spec.paths).flatMap((template) =>
    template.includes('{') ? ids.map((id) => template.replace(/\{[^}]+\}/g, id)) : [template],
  );
  return [
    ...paths,
    ...paths.map((p) => `${p}/`),
    ...paths.map((p) => p.toUpperCase()),
    ...paths.map((p) => `${p}?limit=5`),
    '/api',
    '/api/unknown',
    '/elsewhere',
  ];
}

describe('the precompiled route lookup', () => {
  it('applies to the installed express-openapi-validator (start-up would fail otherwise)', () => {
    expect(() => installRouteLookup()).not.toThrow();
  });

  it('refuses to replace a lookup it was not written against', () => {
    const internals = validatorInternals();
    expect(() =>
      installRouteLookup({
        ...internals,
        metadataModule: { applyOpenApiMetadata: () => () => undefined },
        metadataSource: `${internals.metadataSource}\n// changed`,
      }),
    ).toThrow(/internals changed.*#1217/s);
  });

  it.each(['hotel.yaml', 'auth.yaml'])(
    'answers every request of %s as the original lookup does',
    async (specFile) => {
      const internals = validatorInternals();
      const { metadataModule } = internals;
      const patched = metadataModule.applyOpenApiMetadata;
      // The validator picks the lookup up at its first request: one app each way.
      const appWith = async (lookup: typeof patched) => {
        metadataModule.applyOpenApiMetadata = lookup;
        const app = validatorApp(specPath(specFile));
        await request(app).get('/warm-up');
        return app;
      };
      const original = await appWith(originalLookup);
      const precompiled = await appWith(patched);
      metadataModule.applyOpenApiMetadata = patched;
      for (const path of pathsOf(specFile)) {
        for (const method of ['get', 'post', 'patch', 'delete', 'put'] as const) {
          const [want, got] = await Promise.all(
            [original, precompiled].map((app) => request(app)[method](path)),
          );
          expect({ method, path, status: got!.status, body: got!.body as unknown }).toEqual({
            method,
            path,
            status: want!.status,
            body: want!.body as unknown,
          });
        }
      }
    },
  );
});

/** The validator's own lookup, kept aside before the replacement is installed. */
const originalLookup = (() => {
  const { metadataModule } = validatorInternals();
  const original = metadataModule.applyOpenApiMetadata;
  installRouteLookup();
  return original;
})();
