import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type ServiceName = 'auth' | 'hotel';

export interface Route {
  path: string;
  pathType: 'Prefix' | 'Exact';
  service: ServiceName;
}

/** The single route table: `routes` in the Helm chart's values, used by the Ingress and the local gateway. */
export function loadRoutes(
  valuesFile = join(__dirname, '..', '..', 'charts', 'myhotel', 'values.yaml'),
): Route[] {
  const values = parse(readFileSync(valuesFile, 'utf8')) as { routes?: Route[] };
  if (!Array.isArray(values.routes) || values.routes.length === 0)
    throw new Error(`${valuesFile} has no routes`);
  return values.routes;
}

/** Kubernetes Ingress matching: Exact is the whole path; Prefix matches by `/`-separated elements; longest wins. */
export function matchRoute(routes: Route[], urlPath: string): Route | undefined {
  const candidates = routes.filter((route) =>
    route.pathType === 'Exact'
      ? urlPath === route.path
      : urlPath === route.path ||
        urlPath.startsWith(route.path.endsWith('/') ? route.path : `${route.path}/`),
  );
  return candidates.sort((a, b) => b.path.length - a.path.length || (a.pathType === 'Exact' ? -1 : 1))[0];
}
