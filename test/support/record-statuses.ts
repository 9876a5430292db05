/**
 * Test instrumentation, outside the services: records `METHOD /path STATUS` of every response
 * a service in this process sends into the run's status log (MYHOTEL_STATUS_LOG), from
 * which test/global-teardown.ts checks that every documented status is reached. It listens
 * on Node's `http.server.response.finish` diagnostics channel, so the production pipeline
 * has nothing to skip. Loaded by jest (setupFilesAfterEnv) and, with `--import`, by the
 * service processes the tests start (test/support/processes.ts). Lines are short and
 * appended with O_APPEND, so concurrent writers do not interleave.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

const channel = 'http.server.response.finish';

interface ResponseFinish {
  request: IncomingMessage & { originalUrl?: string };
  response: ServerResponse;
}

function recordResponseStatuses(file: string): () => void {
  const record = (message: unknown) => {
    const { request, response } = message as ResponseFinish;
    // Every response of a service carries X-Request-Id; stand-ins (a stub JWKS server) do not.
    if (!response.hasHeader('x-request-id')) return;
    const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
    appendFileSync(file, `${request.method} ${path} ${response.statusCode}\n`);
  };
  subscribe(channel, record);
  return () => unsubscribe(channel, record);
}

const logFile = process.env.MYHOTEL_STATUS_LOG;
if (logFile) {
  const stop = recordResponseStatuses(logFile);
  // In a jest test file: stop when it ends (the next file subscribes again).
  if (typeof afterAll === 'function') afterAll(stop);
}
