import express from 'express';
import request from 'supertest';
import { QueryFailedError } from 'typeorm';
import { createLogger } from '../src/logger';
import { httpLogger, requestLog } from '../src/request-log';

/** Log lines written to memory. */
function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('logs hold no personal data', () => {
  it('a database error loses its parameters and PostgreSQL’s detail (which quotes key values)', () => {
    const { lines, destination } = capture();
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "guests_user_id_key"'),
      {
        code: '23505',
        constraint: 'guests_user_id_key',
        detail: 'Key (email)=(ana.lima@example.com) already exists.',
      },
    );
    const err = new QueryFailedError(
      'INSERT INTO hotel.guests (name, email) VALUES ($1, $2)',
      ['Ana Lima', 'ana.lima@example.com'],
      driverError,
    );
    createLogger('test', 'info', destination).error({ err }, 'request failed');
    expect(lines.join('')).not.toMatch(/Ana Lima|ana\.lima@example\.com/);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ code: '23505', constraint: 'guests_user_id_key' });
  });
});

describe('the request log', () => {
  const app = (lines: string[]) => {
    const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(line) });
    const server = express();
    server.use(httpLogger(logger));
    server.use(express.json());
    server.get('/fails', (req) => {
      requestLog(req, logger).error(
        { err: Object.assign(new Error('boom'), { parameters: ['x'] }) },
        'failed',
      );
      throw new Error('boom');
    });
    server.use((req: express.Request, res: express.Response) => void res.status(200).json({ ok: true }));
    return server;
  };
  const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('writes one line per request: id, method, URL with personal parameters masked, status, time', async () => {
    const lines: string[] = [];
    await request(app(lines))
      .post('/api/guests?q=Ana%20Lima&limit=5')
      .set('Authorization', 'Bearer secret-token')
      .set('Cookie', 'session=secret-cookie')
      .set('X-Request-Id', 'req-1')
      .send({ password: 'secret-password', name: 'Ana Lima' })
      .expect(200)
      .expect('X-Request-Id', 'req-1');
    await settled();
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      service: 'test',
      req: { id: 'req-1', method: 'POST', url: '/api/guests?q=%5Bredacted%5D&limit=5' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(typeof line.responseTime).toBe('number');
    expect(lines[0]).not.toMatch(/secret|Ana/);
  });

  it('a request’s own lines carry its fields and keep redaction; a 500 is "request errored"', async () => {
    const lines: string[] = [];
    await request(app(lines)).get('/fails').expect(500);
    await settled();
    const [own, access] = lines.map(
      (l) => JSON.parse(l) as { req: { id: string }; err: { parameters: unknown } },
    );
    expect(own).toMatchObject({ level: 50, req: { method: 'GET', url: '/fails' }, msg: 'failed' });
    expect(own!.err.parameters).toBe('[redacted]');
    expect(access).toMatchObject({ level: 50, res: { statusCode: 500 }, msg: 'request errored' });
    expect(access!.req.id).toBe(own!.req.id);
  });
});
