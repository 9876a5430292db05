import { createServer, type Server } from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { loadRoutes, matchRoute, type ServiceName } from './lib/routes';

/**
 * The local stand-in for the Ingress: same route table (charts/myhotel/values.yaml `routes`),
 * same matching rules. Anything unrouted is a problem+json 404, as the services answer.
 */
export function startGateway(port: number, upstreams: Record<ServiceName, string>): Promise<Server> {
  const routes = loadRoutes();
  const proxies = Object.fromEntries(
    Object.entries(upstreams).map(([service, target]) => [
      service,
      createProxyMiddleware({ target, xfwd: true, proxyTimeout: 30_000 }),
    ]),
  ) as Record<ServiceName, ReturnType<typeof createProxyMiddleware>>;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const route = matchRoute(routes, path);
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: 'No route for this path',
        }),
      );
      return;
    }
    void proxies[route.service](req, res, () => {
      res.writeHead(502, { 'Content-Type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Bad Gateway',
          status: 502,
          detail: `${route.service} is not reachable`,
        }),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
