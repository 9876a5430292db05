import { TooManyRequestsError } from '@myhotel/common';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

export interface LoginThrottleSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerClient: number;
  windowSeconds: number;
}

function limiter(windowSeconds: number, limit: number, key: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    // Only failed attempts count: a successful login gives its slot back.
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: key,
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
        : windowSeconds;
      next(new TooManyRequestsError(retryAfter));
    },
  });
}

/**
 * Repeated login failures are throttled per account (guessing one password) and per client
 * address (spraying many accounts). In-memory per replica: with N replicas an attacker
 * gets at most N times the budget.
 */
export function loginThrottle(settings: LoginThrottleSettings): RequestHandler[] {
  return [
    limiter(
      settings.windowSeconds,
      settings.maxFailuresPerClient,
      (req) => `client:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    ),
    limiter(settings.windowSeconds, settings.maxFailuresPerAccount, (req) => {
      const email = (req.body as { email?: unknown } | undefined)?.email;
      return `account:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
    }),
  ];
}
