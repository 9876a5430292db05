import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadRoutes, matchRoute } from './lib/routes';

const routes = loadRoutes();
const specPaths = (file: string) =>
  Object.keys(
    (parse(readFileSync(join(__dirname, '..', 'openapi', file), 'utf8')) as { paths: object }).paths,
  ).map((p) => p.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'));

describe('route table (Ingress and local gateway)', () => {
  it.each([
    ['auth.yaml', 'auth'],
    ['hotel.yaml', 'hotel'],
  ])('routes every path of %s to %s', (file, service) => {
    for (const path of specPaths(file))
      expect({ path, service: matchRoute(routes, path)?.service }).toEqual({ path, service });
  });

  it('follows Ingress Prefix/Exact semantics', () => {
    expect(matchRoute(routes, '/api/usersx')).toBeUndefined();
    expect(matchRoute(routes, '/api/users')?.service).toBe('auth');
    expect(matchRoute(routes, '/.well-known/jwks.json/x')).toBeUndefined();
    expect(matchRoute(routes, '/healthz')).toBeUndefined();
    expect(matchRoute(routes, '/metrics')).toBeUndefined();
  });
});
