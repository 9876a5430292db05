import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import {
  AppError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  ValidationError,
  type FieldError,
} from './errors';
import { isConcurrencyFailure, isDatabaseUnavailable } from './db-errors';
import { requestLog } from './request-log';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
};

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
  errors?: Array<{ path?: string; message?: string; errorCode?: string }>;
}

/** Maps anything thrown in a request to an AppError; unknown errors become a bare 500. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as HttpLikeError;
  // body-parser
  if (e.type === 'entity.too.large') return new AppError(413, titles[413]!, 'Request body exceeds 100 kB');
  if (e.type === 'entity.parse.failed') return new ValidationError('Request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new AppError(415, titles[415]!, 'Unsupported content encoding or charset');
  }
  if (isDatabaseUnavailable(err))
    return new ServiceUnavailableError('Database temporarily unavailable; retry later');
  if (isConcurrencyFailure(err))
    return new ConflictError('A concurrent change to the same data won; nothing was changed, retry');
  // express-openapi-validator (HttpError with status + errors[])
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const errors: FieldError[] = (e.errors ?? []).map((item) => ({
      path: item.path,
      message: item.message ?? 'invalid',
      ...(item.errorCode ? { code: item.errorCode } : {}),
    }));
    if (status === 400) return new ValidationError(e.message ?? 'Request validation failed', errors);
    if (status === 401) return new AppError(401, 'Unauthorized', 'Missing or invalid bearer token');
    if (status === 404) return new NotFoundError('No such route');
    return new AppError(status, titles[status] ?? 'Client Error', e.message);
  }
  return new AppError(500, 'Internal Server Error', 'An unexpected error occurred');
}

function sendProblem(req: Request, res: Response, error: AppError): void {
  const body: Record<string, unknown> = {
    type: error.problemType,
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance: req.originalUrl.split('?')[0],
    request_id: String(req.id ?? ''),
    ...error.extensions,
  };
  if (error instanceof ValidationError && error.errors.length > 0) body.errors = error.errors;
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="myhotel"');
  if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.status === 503) res.setHeader('Retry-After', '1');
  res.status(error.status).type('application/problem+json').send(JSON.stringify(body));
}

/** Central error handler: the last middleware of every service. */
export function problemHandler(logger: Logger, exposeInternalErrors = false): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    let error = toAppError(err);
    if (error.status >= 500) {
      requestLog(req, logger).error({ err }, 'request failed');
      // In tests, response-validation failures must be visible, not a bare 500.
      if (exposeInternalErrors && error.status === 500 && err instanceof Error) {
        error = new AppError(500, 'Internal Server Error', err.message);
      }
    }
    sendProblem(req, res, error);
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFoundError('No such route'));
