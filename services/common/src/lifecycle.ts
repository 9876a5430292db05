import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';

/** Shared readiness flag: goes false when draining starts. */
export class Lifecycle {
  draining = false;
}

export interface RunningServer {
  server: Server;
  port: number;
  /**
   * Drains: readiness 503 (responses now say `Connection: close`) → wait `delayMs` → stop
   * accepting → finish in-flight → close.
   */
  shutdown: () => Promise<void>;
}

export interface ServeOptions {
  app: Express;
  port: number;
  host?: string;
  lifecycle: Lifecycle;
  logger: Logger;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  onClose: () => Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { app, lifecycle, logger } = options;
  // Responses in progress. Once draining, every response (these and new ones) carries
  // `Connection: close`, so keep-alive clients stop reusing their sockets during the delay
  // instead of racing a request against the socket being closed at the end of it.
  const inFlight = new Set<ServerResponse>();
  const closeAfterResponse = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  const server = createServer((req, res) => {
    if (lifecycle.draining) closeAfterResponse(res);
    else {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    }
    app(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than typical load-balancer idle timeouts
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      lifecycle.draining = true;
      for (const res of inFlight) closeAfterResponse(res);
      inFlight.clear();
      logger.info({ delayMs: options.shutdownDelayMs }, 'draining: readiness now 503');
      await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), options.shutdownTimeoutMs).unref(),
      );
      if ((await Promise.race([closed, timeout])) === 'timeout') {
        logger.warn('shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }
      await options.onClose();
      logger.info('stopped');
    })());
  return { server, port, shutdown };
}

/** SIGTERM/SIGINT → graceful shutdown, then exit (forced after the timeout). */
export function exitOnSignals(running: RunningServer, logger: Logger, hardLimitMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutdown requested');
    setTimeout(() => {
      logger.error('forced exit: shutdown took too long');
      process.exit(1);
    }, hardLimitMs).unref();
    running.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
