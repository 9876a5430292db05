/** The one error hierarchy of MyHotel. Every error a client sees is an AppError rendered as
 *  RFC 9457 problem+json by `problemHandler`. */
export interface FieldError {
  path?: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly problemType = 'about:blank',
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }

  get detail(): string {
    return this.message;
  }
}

const problemBase = 'https://myhotel.dev/problems/';

export class ValidationError extends AppError {
  constructor(
    detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(400, 'Bad Request', detail, `${problemBase}validation-error`);
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'Missing or invalid credentials') {
    super(401, 'Unauthorized', detail, `${problemBase}unauthorized`);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'Your role may not perform this action') {
    super(403, 'Forbidden', detail, `${problemBase}forbidden`);
  }
}

export class NotFoundError extends AppError {
  constructor(detail = 'Resource not found') {
    super(404, 'Not Found', detail, `${problemBase}not-found`);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(409, 'Conflict', detail, `${problemBase}conflict`, extensions);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(detail = 'The resource has changed since the If-Match version; read it again, then retry') {
    super(412, 'Precondition Failed', detail, `${problemBase}precondition-failed`);
  }
}

export class UnprocessableError extends AppError {
  constructor(detail: string) {
    super(422, 'Unprocessable Content', detail, `${problemBase}unprocessable`);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'Too Many Requests', 'Too many attempts; retry later', `${problemBase}rate-limited`);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(detail = 'Service temporarily unavailable; retry later') {
    super(503, 'Service Unavailable', detail, `${problemBase}unavailable`);
  }
}
