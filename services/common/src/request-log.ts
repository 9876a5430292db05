import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from './logger';

declare module 'http' {
  interface IncomingMessage {
    /** The request's id (X-Request-Id): in its log lines and its problem+json answers. */
    id?: string;
  }
}

/** Query parameters whose values are personal data (a guest's name, email or phone): masked in logs. */
const personalQueryParameters = ['q', 'email'];

/** The request URL for a log line, with the values of personal query parameters masked. */
function loggableUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  let masked = false;
  for (const name of personalQueryParameters) {
    if (query.has(name)) {
      query.set(name, '[redacted]');
      masked = true;
    }
  }
  return masked ? `${url.slice(0, at)}?${query.toString()}` : url;
}

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a well-formed incoming X-Request-Id (else generates one) and returns it. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** What a request's log lines say of it: its id, method and URL (masked), never headers or body. */
interface RequestFields {
  id: string;
  method: string;
  url: string;
}

const requestLogs = new WeakMap<IncomingMessage, { logger: Logger; fields: RequestFields }>();

/**
 * The logger of a request (for an error met while serving it): its lines carry the request's
 * fields. Made on first use — most requests never need one.
 */
export function requestLog(req: IncomingMessage, fallback: Logger): Logger {
  const entry = requestLogs.get(req);
  return entry ? entry.logger.child({ req: entry.fields }) : fallback;
}

/**
 * One line per request when its response is done (or the connection closed first), as
 * pino-http wrote it: `req` {id, method, url}, `res` {statusCode}, `responseTime` (ms),
 * "request completed" (info, warn from 400) or "request errored" (error, from 500).
 *
 * The line is built here from those fields only, so it holds nothing that redaction could
 * remove (no headers, no body; personal query parameters are masked), and is written by a
 * child logger without the redaction pass — which, with pino-http's per-request child logger
 * and serializers, cost more than the rest of the line. Every other line keeps redaction.
 */
export function httpLogger(logger: Logger): RequestHandler {
  const accessLog = logger.child({}, { redact: { paths: [] } });
  return (req, res, next) => {
    const fields: RequestFields = { id: requestId(req, res), method: req.method, url: loggableUrl(req.url) };
    req.id = fields.id;
    requestLogs.set(req, { logger, fields });
    const start = Date.now();
    res.once('close', () => {
      const line = { req: fields, res: { statusCode: res.statusCode }, responseTime: Date.now() - start };
      if (res.statusCode >= 500) {
        accessLog.error(
          { ...line, err: new Error(`failed with status code ${res.statusCode}`) },
          'request errored',
        );
      } else if (res.statusCode >= 400) accessLog.warn(line, 'request completed');
      else accessLog.info(line, 'request completed');
    });
    next();
  };
}
