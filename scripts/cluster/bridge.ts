/**
 * A byte-for-byte TCP relay between endpoints given as `tcp:HOST:PORT` or `unix:PATH`:
 *   node bridge.ts <listen> <target> [<listen> <target> ...]
 * The cluster uses two: one inside its network namespace (Unix sockets → the API server, the
 * ingress controller's Service) and one on the host (127.0.0.1 ports → those Unix sockets). A
 * Unix socket is a file, visible from both namespaces, so the host reaches the cluster through
 * loopback only and the namespace keeps no route out. Plain Node (types stripped), no imports
 * but node:, so it starts fast and needs nothing installed.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

type Endpoint = { port: number; host: string } | { path: string };

function parse(spec: string): Endpoint {
  if (spec.startsWith('unix:')) return { path: spec.slice('unix:'.length) };
  const m = /^tcp:(.+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`bad endpoint ${spec}: use tcp:HOST:PORT or unix:PATH`);
  return { host: m[1]!, port: Number(m[2]) };
}

function relay(listen: Endpoint, target: Endpoint): void {
  const server = createServer((client: Socket) => {
    const upstream = createConnection(target);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  if ('path' in listen) rmSync(listen.path, { force: true });
  server.listen(listen);
  server.on('error', (err) => {
    console.error(`bridge ${JSON.stringify(listen)}: ${err.message}`);
    process.exit(1);
  });
}

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2 !== 0) {
  console.error('usage: node bridge.ts <listen> <target> [<listen> <target> ...]');
  process.exit(2);
}
for (let i = 0; i < args.length; i += 2) relay(parse(args[i]!), parse(args[i + 1]!));
process.on('SIGTERM', () => process.exit(0));
