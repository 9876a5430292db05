import { requestLog, TooManyRequestsError, type Logger } from '@myhotel/common';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { FailureBudget } from '../data/login-failures';

export interface LoginBudgets {
  perClient: FailureBudget;
  perAccount: FailureBudget;
}

const clientKey = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
const accountKey = (req: Request) => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
};

/**
 * Repeated login failures are throttled per client address (spraying many accounts) and per
 * account (guessing one password). Every attempt spends from both budgets up front, so
 * concurrent attempts cannot overshoot; a successful login gets its attempt back.
 */
export function loginThrottle({ perClient, perAccount }: LoginBudgets, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const client = clientKey(req);
    const account = accountKey(req);
    const retryAfter = (await perClient.spend(client)) ?? (await perAccount.spend(account));
    if (retryAfter !== null) return next(new TooManyRequestsError(retryAfter));
    res.once('finish', () => {
      if (res.statusCode >= 400) return;
      Promise.all([perClient.refund(client), perAccount.refund(account)]).catch((err: unknown) =>
        requestLog(req, logger).warn({ err }, 'login throttle: refund failed'),
      );
    });
    next();
  };
}
