import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

/**
 * Logs carry no secrets and no personal data (names, emails, phones, notes): bodies are never
 * logged, search parameters are masked in URLs (`personalQueryParameters`), and database errors
 * lose the statement's parameters and PostgreSQL's `detail` (which quotes the values of a
 * violated key). `destination` is for tests that read the log.
 */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.refresh_token',
        '*.access_token',
        'err.parameters',
        'err.detail',
        'err.driverError.parameters',
        'err.driverError.detail',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
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

export function httpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestId,
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: loggableUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
