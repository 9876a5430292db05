import type { Response } from 'supertest';

/** Asserts an RFC 9457 problem+json answer with no internals (stack traces, SQL) in it. */
export function expectProblem(res: Response, status: number): Record<string, unknown> {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+|SELECT |INSERT |UPDATE |node_modules/);
  return body;
}
