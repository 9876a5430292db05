import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Logs carry no secrets and no personal data (names, emails, phones, notes): bodies are never
 * logged, search parameters are masked in URLs (`personalQueryParameters`), and database errors
 * lose the statement's parameters and PostgreSQL's `detail` (which quotes the values of a
 * violated key). `destination` is for tests that read the log.
 *
 * Lines go to stdout asynchronously (pino's sonic-boom with `sync: false`): a write never
 * blocks the event loop (a container's stdout is a pipe, which a slow reader can fill), and
 * lines logged while one write is under way go out together in the next. What is buffered is
 * flushed synchronously when the process exits (pino registers that), also on an uncaught
 * exception; only a SIGKILL can lose the lines of the write in flight.
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
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
