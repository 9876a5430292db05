/**
 * The k6 shim's own promises, on small fixture scripts: k6's threshold semantics and exit
 * codes, VUs that really run at once, and a loud failure for every k6 API, option, metric or
 * import it does not implement (even when the script catches the error).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectThroughShim, runThroughShim, thresholdResults } from '../support/k6-shim';

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'myhotel-k6-fixtures-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a fixture script and runs it through the shim. */
async function run(name: string, source: string, args: string[] = [], env: Record<string, string> = {}) {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  return runThroughShim(file, { args, env, timeoutMs: 50_000 });
}

describe('thresholds, as k6 evaluates them', () => {
  test('an empty Trend or Rate passes its thresholds; only count>0 on a Counter catches a silent group', async () => {
    const result = await run(
      'empty-groups',
      `import { check } from 'k6';
       import { Counter } from 'k6/metrics';
       const never = new Counter('never_added');
       export const options = {
         iterations: 2,
         thresholds: {
           'http_req_duration{name:nothing}': ['p(95)<1', 'max<1'],
           'http_req_failed{name:nothing}': ['rate<0.5'],
           'http_reqs{name:nothing}': ['count>0'],
           never_added: ['count>0'],
           checks: ['rate==1'],
           iterations: ['count==2'],
         },
       };
       export default function () { check(1, { 'one is truthy': (v) => v === 1 }); }`,
    );
    expect(result.exitCode).toBe(99);
    expect(thresholdResults(result.summary!)).toEqual({
      'http_req_duration{name:nothing} p(95)<1': true,
      'http_req_duration{name:nothing} max<1': true,
      'http_req_failed{name:nothing} rate<0.5': true,
      'http_reqs{name:nothing} count>0': false,
      'never_added count>0': false,
      'checks rate==1': true,
      'iterations count==2': true,
    });
  });

  test.each([
    ['an unknown metric', { nope: ['count>0'] }, 'no metric name "nope" found'],
    ['an aggregation the metric type lacks', { checks: ['p(95)<1'] }, 'unsupported aggregation method p'],
    ['a malformed expression', { checks: ['rate~1'] }, 'malformed threshold expression'],
  ])('%s is invalid configuration (exit code 104)', async (_what, thresholds, message) => {
    const result = await run(
      'invalid-threshold',
      `export const options = { thresholds: ${JSON.stringify(thresholds)} };
       export default function () {}`,
    );
    expect([result.exitCode, result.stderr]).toEqual([104, expect.stringContaining(message)]);
  });

  test('an exception in teardown() ends the run with 107 and hides crossed thresholds, as in k6', async () => {
    const result = await run(
      'teardown-throws',
      `import { Counter } from 'k6/metrics';
       const c = new Counter('c');
       export const options = { thresholds: { c: ['count>5'] } };
       export default function () { c.add(1); }
       export function teardown() { throw new Error('teardown broke'); }`,
    );
    expect(result.exitCode).toBe(107);
    expect(result.stderr).toContain('teardown broke');
  });
});

describe('VUs', () => {
  let server: Server;
  let inFlight = 0;
  let mostAtOnce = 0;
  beforeAll(async () => {
    // Answers once five requests are open at the same time (503 after 5 s otherwise).
    const waiting: Array<() => void> = [];
    server = createServer((req, res) => {
      inFlight++;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      const answer = (status: number) => () => {
        inFlight--;
        res.writeHead(status).end();
      };
      const timer = setTimeout(answer(503), 5000);
      waiting.push(() => (clearTimeout(timer), answer(200)()));
      if (waiting.length >= 5) waiting.splice(0).forEach((release) => release());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('run at once: five VUs have five synchronous requests open together', async () => {
    const { port } = server.address() as AddressInfo;
    const result = await run(
      'concurrent',
      `import { check } from 'k6';
       import http from 'k6/http';
       import exec from 'k6/execution';
       export const options = {
         scenarios: { together: { executor: 'per-vu-iterations', vus: 5, iterations: 1 } },
         thresholds: { checks: ['rate==1'] },
       };
       export default function () {
         const res = http.get(__ENV.TARGET + '/' + exec.vu.idInTest, { tags: { name: 'held' } });
         check(res, { 'released together': (r) => r.status === 200 && __ITER === 0 && __VU > 0 });
       }`,
      ['--no-contract-check'],
      { TARGET: `http://127.0.0.1:${port}` },
    );
    expect([result.exitCode, mostAtOnce]).toEqual([0, 5]);
    expect(result.summary!.metrics['http_reqs']!.count).toBe(5);
  });
});

describe('anything the shim does not implement fails the run loudly (exit code 1)', () => {
  test.each([
    [
      'a k6 module',
      `import ws from 'k6/ws'; export default function () { ws.connect(); }`,
      1,
      'k6 shim: module "k6/ws" is not implemented',
    ],
    [
      'an http function, even when the script catches the error',
      `import http from 'k6/http';
       export default function () { try { http.batch([]); } catch (e) { /* swallowed */ } }`,
      1,
      'k6 shim: http.batch is not implemented',
    ],
    [
      'a Response member',
      `import http from 'k6/http';
       export default function () { const r = http.get('http://127.0.0.1:9/x'); return r.timings; }`,
      1,
      'k6 shim: Response.timings is not implemented',
    ],
    [
      'an option',
      `export const options = { rps: 10 }; export default function () {}`,
      1,
      'k6 shim: option "rps" is not implemented',
    ],
    [
      'a built-in metric',
      `export const options = { thresholds: { http_req_waiting: ['p(95)<100'] } }; export default function () {}`,
      1,
      'k6 shim: built-in metric http_req_waiting is not implemented',
    ],
    [
      'a metric type',
      `import { Trend } from 'k6/metrics'; const t = new Trend('t'); export default function () {}`,
      1,
      'k6 shim: k6/metrics Trend is not implemented',
    ],
    [
      'a Node.js module (k6 has none: an init error, 107)',
      `import { readFileSync } from 'node:fs'; export default function () { readFileSync('x'); }`,
      107,
      'a k6 script here imports k6 modules and relative .ts/.js files only',
    ],
  ])('%s', async (_what, source, exitCode, message) => {
    const result = await run('unimplemented', source, ['--no-contract-check']);
    expect([result.exitCode, result.stderr]).toEqual([exitCode, expect.stringContaining(message)]);
  });

  test('http in the init context is refused as in k6', async () => {
    const result = await run(
      'init-http',
      `import http from 'k6/http'; http.get('http://127.0.0.1:9/'); export default function () {}`,
    );
    expect([result.exitCode, result.stderr]).toEqual([
      107,
      expect.stringContaining('Making http requests in the init context is not supported'),
    ]);
  });
});

describe('inspect', () => {
  test('reports the VUs and duration a script needs (k6 inspect --execution-requirements)', () => {
    expect(inspectThroughShim('loadtest/spike.ts')).toMatchObject({ maxVUs: 400, totalDuration: '5m0s' });
    expect(inspectThroughShim('loadtest/booking-race.ts', { RACE_VUS: '20' })).toMatchObject({ maxVUs: 20 });
  });
});
