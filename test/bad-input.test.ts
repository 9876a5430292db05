/**
 * Bad-input corpus, table-driven over the specs: every operation with a request body, every
 * string field of those bodies (derived from the schemas), every list operation's `limit` and
 * `cursor`, every calendar-date input and every `{id}` path.
 *
 * Every rejected request must answer 4xx application/problem+json (no stack trace, no SQL),
 * with `X-Content-Type-Options: nosniff`, and write nothing (all tables of both schemas are
 * fingerprinted before and after). Injection strings in otherwise valid bodies may also be
 * accepted (2xx), but then they are stored and returned verbatim as JSON data, never as HTML,
 * and never cause a 5xx.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Response, Test } from 'supertest';
import { day, startHotelForTest, type HotelHarness } from './support/hotel';
import { expectProblem } from './support/problem';
import {
  loadSpecDocument,
  specOperations,
  type SpecDocument,
  type SpecNode,
  type SpecOperation,
} from './support/spec';

// ------------------------------------------------------------------ the specs
type Schema = SpecNode;

/** Follows `$ref`s (local and into ./components.yaml) until a schema without one. */
function deref(schema: Schema, doc: SpecDocument): [Schema, SpecDocument] {
  let current = schema;
  let where = doc;
  while (typeof current.$ref === 'string') {
    const [file, pointer] = current.$ref.split('#') as [string, string];
    if (file) where = loadSpecDocument(file.replace('./', ''));
    current = pointer
      .split('/')
      .filter(Boolean)
      .reduce<Schema>((node, key) => node[key] as Schema, where.root);
  }
  return [current, where];
}

/** The JSON type(s) a property schema accepts ('string', 'integer', 'null', …), looking through allOf and oneOf. */
function typesOf(schema: Schema, doc: SpecDocument): string[] {
  const [s, d] = deref(schema, doc);
  const own = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const parts = [...((s.allOf as Schema[] | undefined) ?? []), ...((s.oneOf as Schema[] | undefined) ?? [])];
  return [...new Set([...own, ...parts.flatMap((part) => typesOf(part, d))])];
}

interface BodyOperation {
  key: string;
  service: 'auth' | 'hotel';
  properties: Record<string, string[]>;
  /** Whether the body may be left out (e.g. check-in's options). */
  optional: boolean;
}

function bodyOperations(): BodyOperation[] {
  return specOperations()
    .filter((op) => op.operation.requestBody)
    .map((op) => {
      const [body, bodyDoc] = deref(op.operation.requestBody as Schema, op.document);
      const content = body.content as Record<string, { schema: Schema }>;
      const [schema, schemaDoc] = deref(content['application/json']!.schema, bodyDoc);
      const properties = Object.fromEntries(
        Object.entries(schema.properties as Record<string, Schema>).map(([name, property]) => [
          name,
          typesOf(property, schemaDoc),
        ]),
      );
      return { key: op.key, service: op.service, properties, optional: body.required !== true };
    });
}

/** All parameters of an operation (path-level and operation-level), dereferenced. */
function parametersOf(
  op: SpecOperation,
): Array<{ name: string; in: string; schema: Schema; doc: SpecDocument }> {
  return [...op.pathParameters, ...((op.operation.parameters as Schema[] | undefined) ?? [])].map((p) => {
    const [param, d] = deref(p, op.document);
    return { name: param.name as string, in: param.in as string, schema: param.schema as Schema, doc: d };
  });
}

// ------------------------------------------------------------------ the harness
let h: HotelHarness;
type Account = Awaited<ReturnType<HotelHarness['auth']['user']>>;
let guest: Account;
let loginUser: Account;
let admin: Account;
/** A booking of `guest`, for the operations under a booking's id. */
let guestBookingId: string;
/** A webhook subscription, for the lists under a subscription's id. */
let webhookId: string;

beforeAll(async () => {
  h = await startHotelForTest();
  [guest, loginUser, admin] = await Promise.all([
    h.auth.user('guest'),
    h.auth.user('guest'),
    h.auth.user('admin'),
  ]);
  guestBookingId = (await freshBooking()).id;
  webhookId = await subscription();
});

/** A webhook subscription to a public URL (no delivery worker runs here: nothing is sent). */
async function subscription(): Promise<string> {
  const res = await h.http
    .post('/api/webhooks')
    .set(admin.auth)
    .send({ url: `https://hooks.example.com/${randomUUID()}` });
  if (res.status !== 201) throw new Error(`subscription failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** A fresh pending booking of `guest` on a fresh room (capacity 2, 100.00), days 3 → 5. */
async function freshBooking(): Promise<{ id: string; roomId: string }> {
  const room = await h.room({ capacity: 2 });
  const res = await h.book(guest, { room_id: room.id, check_in: day(3), check_out: day(5) });
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${res.text}`);
  return { id: res.body.id as string, roomId: room.id };
}

/** A confirmed walk-in stay from yesterday to tomorrow, ready to check in. */
async function confirmedStay(): Promise<string> {
  const room = await h.room();
  const walkIn = await h.walkIn();
  const res = await h.book(admin, {
    room_id: room.id,
    check_in: day(-1),
    check_out: day(1),
    guest_id: walkIn.id,
  });
  await h.http.post(`/api/bookings/${res.body.id}/confirm`).set(admin.auth).expect(200);
  return res.body.id as string;
}
afterAll(() => h.close());

/** A fingerprint of every row of every table of both schemas: equal before/after = nothing written. */
/** `schema.table` of every table in the auth and hotel schemas, as their service roles see them. */
async function schemaTables(): Promise<string[]> {
  const list = async (query: (sql: string) => Promise<Array<{ name: string }>>, schema: string) =>
    (
      await query(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema = '${schema}'`,
      )
    ).map((row) => row.name);
  const names = [
    ...(await list((sql) => h.auth.dataSource.query(sql), 'auth')),
    ...(await list((sql) => h.dataSource.query(sql), 'hotel')),
  ];
  return names.sort();
}

async function fingerprint(): Promise<string> {
  const digest = (schema: string, tables: string[]) =>
    `SELECT ${tables
      .map(
        (t) =>
          `(SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${schema}.${t} x)`,
      )
      .join(" || ' ' || ")} AS f`;
  const [auth] = (await h.auth.dataSource.query(
    digest('auth', ['users', 'refresh_tokens', 'user_events']),
  )) as Array<{ f: string }>;
  const [hotel] = (await h.dataSource.query(
    digest('hotel', [
      'rooms',
      'guests',
      'bookings',
      'booking_events',
      'check_ins',
      'check_outs',
      'notifications',
      'idempotency_keys',
      'webhook_endpoints',
      'webhook_deliveries',
    ]),
  )) as Array<{ f: string }>;
  return `${auth!.f} ${hotel!.f}`;
}

/** A valid request of one operation: path, caller, body. Fresh resources each time. */
interface Prepared {
  path: string;
  auth?: { Authorization: string };
  body: Record<string, unknown>;
}
const validRequests: Record<string, () => Promise<Prepared>> = {
  'POST /api/auth/register': async () => ({
    path: '/api/auth/register',
    body: { name: 'Bad Input', email: `bad-${randomUUID()}@example.com`, password: 'password123' },
  }),
  'POST /api/auth/login': async () => ({
    path: '/api/auth/login',
    body: { email: loginUser.email, password: loginUser.password },
  }),
  'POST /api/auth/refresh': async () => ({
    path: '/api/auth/refresh',
    body: { refresh_token: randomBytes(32).toString('base64url') },
  }),
  'POST /api/auth/logout': async () => ({
    path: '/api/auth/logout',
    body: { refresh_token: randomBytes(32).toString('base64url') },
  }),
  'PATCH /api/users/{id}': async () => ({
    path: `/api/users/${guest.id}`,
    auth: guest.auth,
    body: { name: 'Renamed' },
  }),
  'POST /api/rooms': async () => ({
    path: '/api/rooms',
    auth: admin.auth,
    body: {
      number: `B-${randomBytes(3).toString('hex')}`,
      type: 'std',
      capacity: 2,
      price_per_night: '90.00',
    },
  }),
  'PATCH /api/rooms/{id}': async () => ({
    path: `/api/rooms/${(await h.room()).id}`,
    auth: admin.auth,
    body: { type: 'renamed' },
  }),
  'POST /api/bookings': async () => ({
    path: '/api/bookings',
    auth: guest.auth,
    body: { room_id: (await h.room({ capacity: 4 })).id, check_in: day(3), check_out: day(5), guests: 2 },
  }),
  'PATCH /api/bookings/{id}': async () => ({
    path: `/api/bookings/${(await freshBooking()).id}`,
    auth: guest.auth,
    body: { check_out: day(6) },
  }),
  'POST /api/bookings/{id}/check-in': async () => ({
    path: `/api/bookings/${await confirmedStay()}/check-in`,
    auth: admin.auth,
    body: { override: false },
  }),
  'POST /api/rooms/{id}/housekeeping': async () => ({
    path: `/api/rooms/${(await h.room()).id}/housekeeping`,
    auth: admin.auth,
    body: { housekeeping: 'inspected' },
  }),
  'POST /api/guests': async () => ({
    path: '/api/guests',
    auth: admin.auth,
    body: { name: 'Walk In', email: 'walk.in@example.com', phone: '+62 812 555 0101', notes: 'quiet room' },
  }),
  'PATCH /api/guests/{id}': async () => ({
    path: `/api/guests/${(await h.walkIn()).id}`,
    auth: admin.auth,
    body: { name: 'Renamed Walk-in' },
  }),
  'POST /api/webhooks': async () => ({
    path: '/api/webhooks',
    auth: admin.auth,
    body: {
      url: 'https://hooks.example.com/myhotel',
      events: ['booking.created'],
      description: 'accounting',
    },
  }),
  'PATCH /api/webhooks/{id}': async () => ({
    path: `/api/webhooks/${await subscription()}`,
    auth: admin.auth,
    body: { description: 'door locks' },
  }),
};

function send(key: string, prepared: Prepared, build: (req: Test) => Test): Promise<Response> {
  const [method, template] = key.split(' ') as [string, string];
  const agent = template.startsWith('/api/auth') || template.startsWith('/api/users') ? h.auth.http : h.http;
  let req = agent[method.toLowerCase() as 'post' | 'patch'](prepared.path);
  if (prepared.auth) req = req.set(prepared.auth);
  return build(req);
}

/** Asserts `status` is one of `allowed`, naming the case in the diff when not. */
function expectStatusIn(label: string, status: number, allowed: number[]): void {
  expect({ label, status }).toEqual({
    label,
    status: allowed.includes(status) ? status : `one of ${allowed.join('|')}`,
  });
}

/** 4xx problem+json, nosniff, no internals, nothing written. */
async function expectRejected(
  act: () => Promise<Response>,
  label: string,
  allowed: number[] = [],
): Promise<Response> {
  const before = await fingerprint();
  const res = await act();
  expect({ label, clientError: res.status >= 400 && res.status < 500 }).toEqual({ label, clientError: true });
  if (allowed.length > 0) expectStatusIn(String(label), res.status, allowed);
  expectProblem(res, res.status);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect({ label, fingerprint: await fingerprint() }).toEqual({ label, fingerprint: before });
  return res;
}

const bodyOps = bodyOperations();
const bodyKeys = bodyOps.map((op) => op.key);

describe('the corpus covers the specs', () => {
  it('has a valid request for every operation with a body', () => {
    expect(Object.keys(validRequests).sort()).toEqual([...bodyKeys].sort());
  });

  it('derives the string fields from the schemas', () => {
    const strings = Object.fromEntries(
      bodyOps.map((op) => [
        op.key,
        Object.keys(op.properties).filter((name) => op.properties[name]!.includes('string')),
      ]),
    );
    expect(strings['POST /api/bookings']).toEqual([
      'room_id',
      'check_in',
      'check_out',
      'guest_id',
      'user_id',
      'notes',
    ]);
    expect(strings['POST /api/guests']).toEqual(['name', 'email', 'phone', 'notes', 'user_id']);
    expect(strings['POST /api/auth/register']).toEqual(['name', 'email', 'password']);
    expect(Object.values(strings).flat().length).toBeGreaterThanOrEqual(24);
  });

  it('every valid request is accepted (so the rejections below are caused by the bad input)', async () => {
    for (const key of bodyKeys) {
      const prepared = await validRequests[key]!();
      const res = await send(key, prepared, (req) => req.send(prepared.body));
      expectStatusIn(String(key), res.status, [200, 201, 204, 401]);
    }
  });
});

// ------------------------------------------------------------------ bodies
const nest = (depth: number, open: string, close: string, inner = '1') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

const rawBodyCases: Array<[string, (body: Record<string, unknown>) => string | Buffer, number[], RegExp?]> = [
  ['oversized (> 100 kB)', (body) => JSON.stringify({ ...body, padding: 'x'.repeat(150_000) }), [413]],
  ['10 000 nested arrays', () => nest(10_000, '[', ']'), [400, 413], /nests deeper/],
  ['10 000 nested objects', () => nest(10_000, '{"a":', '}'), [400, 413], /nests deeper/],
  [
    'deeply nested value inside a valid body',
    (body) => JSON.stringify(body).replace(/^\{/, `{"nested":${nest(5_000, '[', ']')},`),
    [400, 413],
    /nests deeper/,
  ],
  [
    'invalid UTF-8 bytes',
    (body) => {
      const json = JSON.stringify(body);
      const at = json.indexOf('"', json.indexOf(':')) + 1;
      return Buffer.concat([
        Buffer.from(json.slice(0, at)),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(json.slice(at)),
      ]);
    },
    [400],
    /not valid UTF-8/,
  ],
  [
    'an overlong UTF-8 encoding of "<"',
    (body) => {
      const json = JSON.stringify(body);
      const at = json.indexOf('"', json.indexOf(':')) + 1;
      return Buffer.concat([
        Buffer.from(json.slice(0, at)),
        Buffer.from([0xc0, 0xbc]),
        Buffer.from(json.slice(at)),
      ]);
    },
    [400],
    /not valid UTF-8/,
  ],
  [
    'duplicate JSON keys',
    (body) => {
      const [first] = Object.entries(body)[0]!;
      return JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(first)}:${JSON.stringify(body[first])},`);
    },
    [400],
    /repeats a key/,
  ],
  [
    'duplicate JSON keys, one spelled with an escape',
    (body) => {
      const [first] = Object.entries(body)[0]!;
      const escaped = `"\\u${first.charCodeAt(0).toString(16).padStart(4, '0')}${first.slice(1)}"`;
      return JSON.stringify(body).replace(/\}$/, `,${escaped}:${JSON.stringify(body[first])}}`);
    },
    [400],
    /repeats a key/,
  ],
  ['unknown field', (body) => JSON.stringify({ ...body, is_admin: true }), [400]],
  ['malformed JSON', (body) => JSON.stringify(body).slice(0, -1), [400]],
  ['empty body', () => '', [400, 415]],
  ['an array instead of an object', (body) => JSON.stringify([body]), [400]],
  ['a string instead of an object', () => '"hello"', [400]],
];

describe.each(bodyKeys)('%s: malformed bodies', (key) => {
  // An optional body may be empty: that is no bad input there.
  const cases = rawBodyCases.filter(
    ([label]) => !(label === 'empty body' && bodyOps.find((o) => o.key === key)!.optional),
  );
  // Rows as [label, case]: jest passes `done` to a callback whose arity exceeds a row's length.
  it.each(cases.map(([label, build, allowed, detail]) => [label, { build, allowed, detail }] as const))(
    '%s → 4xx problem+json, nothing written',
    async (label, { build, allowed, detail }) => {
      const prepared = await validRequests[key]!();
      const res = await expectRejected(
        () =>
          send(key, prepared, (req) =>
            // Raw bytes as given: no JSON serialisation by superagent.
            req
              .set('Content-Type', 'application/json')
              .serialize((raw: unknown) => raw as string)
              .send(Buffer.from(build(prepared.body)) as unknown as string),
          ),
        `${key} ${label}`,
        allowed,
      );
      if (detail) expect(JSON.parse(res.text).detail).toMatch(detail);
    },
  );

  it.each([
    [
      'text/plain',
      (req: Test, body: Record<string, unknown>) =>
        req.set('Content-Type', 'text/plain').send(JSON.stringify(body)),
    ],
    [
      'application/x-www-form-urlencoded',
      (req: Test, body: Record<string, unknown>) => req.type('form').send(body as Record<string, string>),
    ],
    [
      'multipart/form-data',
      (req: Test, body: Record<string, unknown>) =>
        Object.entries(body).reduce((r, [name, value]) => r.field(name, String(value)), req),
    ],
    [
      'application/json; charset=utf-16le',
      (req: Test, body: Record<string, unknown>) =>
        req
          .set('Content-Type', 'application/json; charset=utf-16le')
          .serialize((raw: unknown) => raw as string)
          .send(Buffer.from(JSON.stringify(body), 'utf16le') as unknown as string),
    ],
    [
      'application/xml',
      (req: Test) => req.set('Content-Type', 'application/xml').send('<room><number>1</number></room>'),
    ],
  ] as const)('Content-Type %s → 415', async (label, build) => {
    const prepared = await validRequests[key]!();
    await expectRejected(
      () => send(key, prepared, (req) => build(req, prepared.body)),
      `${key} ${label}`,
      [415],
    );
  });

  it('null, numbers-as-strings and wrong types in every field → 400', async () => {
    const op = bodyOps.find((o) => o.key === key)!;
    for (const [field, types] of Object.entries(op.properties)) {
      const wrong: unknown[] = [['array'], { object: true }];
      if (!types.includes('null')) wrong.push(null);
      if (!types.includes('boolean')) wrong.push(true);
      else wrong.push('true', 1);
      if (types.includes('integer')) wrong.push('2', 2.5, 1e9);
      if (types.includes('string')) wrong.push(12345);
      for (const value of wrong) {
        const prepared = await validRequests[key]!();
        await expectRejected(
          () => send(key, prepared, (req) => req.send({ ...prepared.body, [field]: value })),
          `${key} ${field}=${JSON.stringify(value)}`,
          [400],
        );
      }
    }
  });
});

const injections = [
  "' OR 1=1 --",
  "'; DROP TABLE hotel.bookings; --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'NUL\u0000byte',
];

const stringFields = (key: string) => {
  const op = bodyOps.find((o) => o.key === key)!;
  return Object.keys(op.properties).filter((name) => op.properties[name]!.includes('string'));
};

describe.each(bodyKeys.filter((key) => stringFields(key).length > 0))(
  '%s: injection strings in every string field',
  (key) => {
    const fields = stringFields(key);
    it.each(fields)(
      '%s: rejected (4xx, nothing written) or stored and returned verbatim as JSON',
      async (field) => {
        const tablesBefore = await schemaTables();
        expect(tablesBefore).toEqual(expect.arrayContaining(['auth.users', 'hotel.bookings', 'hotel.rooms']));
        for (const payload of injections) {
          const label = `${key} ${field}=${JSON.stringify(payload)}`;
          const prepared = await validRequests[key]!();
          const before = await fingerprint();
          const res = await send(key, prepared, (req) => req.send({ ...prepared.body, [field]: payload }));
          expect({ label, serverError: res.status >= 500 }).toEqual({ label, serverError: false });
          expect(res.headers['x-content-type-options']).toBe('nosniff');
          expect(res.headers['content-type'] ?? '').not.toMatch(/html/);
          if (res.status >= 400) {
            expectProblem(res, res.status);
            expect({ label, fingerprint: await fingerprint() }).toEqual({ label, fingerprint: before });
            continue;
          }
          if (res.status === 204) continue;
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          if (field in res.body) {
            expect({ label, stored: res.body[field] }).toEqual({ label, stored: payload });
            if (!prepared.auth) continue;
            // … and read back verbatim from the database.
            const self = res.headers.location ?? prepared.path;
            const agent = self.startsWith('/api/users') ? h.auth.http : h.http;
            const again = await agent
              .get(self)
              .set(prepared.auth ?? {})
              .expect(200);
            expect({ label, readBack: again.body[field] }).toEqual({ label, readBack: payload });
          }
        }
        // Nothing was executed: every table of both schemas is still there.
        expect(await schemaTables()).toEqual(tablesBefore);
      },
    );
  },
);

// ------------------------------------------------------------------ query strings and paths
const listOps = specOperations().filter((op) => parametersOf(op).some((p) => p.name === 'limit'));
const baseQuery: Record<string, () => Record<string, string>> = {
  'GET /api/users': () => ({}),
  'GET /api/users/{id}/events': () => ({}),
  'GET /api/rooms': () => ({}),
  'GET /api/availability': () => ({ check_in: day(10), check_out: day(12) }),
  'GET /api/guests': () => ({}),
  'GET /api/bookings': () => ({}),
  'GET /api/bookings/{id}/events': () => ({}),
  'GET /api/notifications': () => ({}),
  'GET /api/webhooks': () => ({}),
  'GET /api/webhooks/{id}/deliveries': () => ({}),
};
/** Lists of the front desk, of accounts and of webhooks are read as the admin; the others as the guest. */
const listAuth = (key: string) => (/^GET \/api\/(users|guests|webhooks)/.test(key) ? admin.auth : guest.auth);
/** A list's path: `{id}` is the guest's account or booking. */
const listPath = (key: string) =>
  key
    .split(' ')[1]!
    .replace('/api/users/{id}', `/api/users/${guest.id}`)
    .replace('/api/bookings/{id}', `/api/bookings/${guestBookingId}`)
    .replace('/api/webhooks/{id}', `/api/webhooks/${webhookId}`);
const getList = (key: string, query: Record<string, string>) => {
  const path = listPath(key);
  const agent = path.startsWith('/api/users') ? h.auth.http : h.http;
  return agent.get(path).query(query).set(listAuth(key));
};
const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('query strings', () => {
  it('has a base query for every list operation', () => {
    expect(Object.keys(baseQuery).sort()).toEqual(listOps.map((op) => op.key).sort());
  });

  it.each(listOps.map((op) => op.key))('%s: bad limit and forged cursors → 400', async (key) => {
    const base = baseQuery[key]!();
    await getList(key, base).expect(200);
    const uuid = randomUUID();
    const bad: Array<Record<string, string>> = [
      { limit: '1000000000' },
      { limit: '1e9' },
      { limit: '-1' },
      { limit: '0' },
      { limit: 'abc' },
      { limit: '1.5' },
      { cursor: randomBytes(24).toString('base64') },
      { cursor: randomBytes(24).toString('base64url') },
      { cursor: b64('{"t":"x","id":"y"}') },
      { cursor: b64('["a","b","c"]') },
      { cursor: b64('null') },
      { cursor: b64(`{"t":"1","id":"${uuid}"}`) },
      { cursor: b64(`{"t":"99999-01-01T00:00:00Z","id":"${uuid}"}`) },
      { cursor: b64(`{"t":"0000-01-01T00:00:00Z","id":"${uuid}"}`) },
      { cursor: b64(`{"t":"2026-02-30T00:00:00Z","id":"${uuid}"}`) },
      { cursor: b64(`{"t":"Tue, 01 Jan 2026 00:00:00 GMT","id":"${uuid}"}`) },
      { cursor: b64(`{"t":1767225600000,"id":"${uuid}"}`) },
      { cursor: b64(`["0000-01-01T00:00:00.000000Z","${uuid}"]`) },
      { cursor: b64(`["1.00","","${uuid}"]`) },
      { cursor: 'A'.repeat(600) },
      { cursor: b64('x'.repeat(5_000)) },
      { cursor: '' },
      { unknown_parameter: '1' },
    ];
    for (const query of bad) {
      await expectRejected(
        () => getList(key, { ...base, ...query }),
        `${key} ${JSON.stringify(query)}`,
        [400],
      );
    }
  });

  it.each(listOps.map((op) => op.key))(
    '%s: injection strings in free-text parameters → 200 JSON or 400, never 5xx',
    async (key) => {
      const op = listOps.find((o) => o.key === key)!;
      const free = parametersOf(op).filter((p) => {
        const [s] = deref(p.schema, p.doc);
        return p.in === 'query' && p.name !== 'cursor' && s.type === 'string' && !s.format && !s.enum;
      });
      for (const param of free) {
        for (const payload of injections) {
          const res = await getList(key, { ...baseQuery[key]!(), [param.name]: payload });
          const label = `${key} ${param.name}=${JSON.stringify(payload)}`;
          expectStatusIn(String(label), res.status, [200, 400]);
          if (res.status === 400) expectProblem(res, 400);
          // Only exact matches (earlier tests stored some of these strings verbatim as room types
          // and guest names); a search (q) finds what starts with it.
          else
            for (const item of res.body.items as Array<Record<string, unknown>>) {
              const value = key === 'GET /api/availability' ? (item.room as Record<string, unknown>) : item;
              if (param.name === 'q') {
                const { name, email } = (value.guest ?? value) as { name: string; email: string | null };
                const found = [name, email ?? ''].some((v) =>
                  v.toLowerCase().startsWith(payload.toLowerCase()),
                );
                expect({ label, found }).toEqual({ label, found: true });
                continue;
              }
              expect({ label, value: value[param.name] }).toEqual({
                label,
                value: param.name === 'email' ? expect.stringContaining(payload.toLowerCase()) : payload,
              });
            }
        }
      }
    },
  );

  const dates = [
    '0000-01-01',
    '9999-12-31',
    '2026-13-01',
    '2026-02-30',
    '2025-02-29',
    '26-01-01',
    '2026-1-1',
  ];
  const dateInputs: Array<[string, string, () => Record<string, string>]> = [
    ['GET /api/availability', 'check_in', () => ({ check_out: day(12) })],
    ['GET /api/availability', 'check_out', () => ({ check_in: day(10) })],
    ['GET /api/bookings', 'from', () => ({ to: day(12) })],
    ['GET /api/bookings', 'to', () => ({ from: day(10) })],
  ];
  it.each(dateInputs)('%s %s: impossible or out-of-range dates → 400', async (key, name, rest) => {
    // `to=9999-12-31` after a valid `from` is a legitimate (open-ended) filter, tested below.
    for (const date of dates.filter((d) => !(name === 'to' && d === '9999-12-31'))) {
      await expectRejected(() => getList(key, { ...rest(), [name]: date }), `${key} ${name}=${date}`, [400]);
    }
  });

  it('far-away but real list filter dates are valid queries (200), not errors', async () => {
    const queries: Array<Record<string, string>> = [
      { from: '9999-12-31' },
      { to: '0001-01-02' },
      { from: day(10), to: '9999-12-31' },
    ];
    for (const query of queries) {
      const res = await getList('GET /api/bookings', query);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
    }
    expect((await getList('GET /api/bookings', { from: '9999-12-31' })).body.items).toEqual([]);
  });
});

describe('dates in booking bodies', () => {
  const impossibleDates = [
    '0000-01-01',
    '9999-12-31',
    '2026-13-01',
    '2026-02-30',
    '2026-02-29T00:00:00Z',
    '',
  ];

  it.each(['check_in', 'check_out'])(
    'PATCH %s: impossible or out-of-range dates, or a stay over 30 nights → 400, nothing written',
    async (field) => {
      for (const date of [...impossibleDates, day(60)]) {
        const prepared = await validRequests['PATCH /api/bookings/{id}']!();
        await expectRejected(
          () => send('PATCH /api/bookings/{id}', prepared, (req) => req.send({ [field]: date })),
          `PATCH ${field}=${date}`,
          [400],
        );
      }
    },
  );

  it.each(['check_in', 'check_out'])(
    '%s: impossible or out-of-range dates → 400, nothing written',
    async (field) => {
      for (const date of impossibleDates) {
        for (const who of [guest, admin]) {
          const prepared = await validRequests['POST /api/bookings']!();
          await expectRejected(
            () =>
              send('POST /api/bookings', { ...prepared, auth: who.auth }, (req) =>
                req.send({ ...prepared.body, [field]: date }),
              ),
            `${field}=${date}`,
            [400],
          );
        }
      }
    },
  );
});

describe('ids in paths', () => {
  const idOps = specOperations().filter((op) => op.path.includes('{id}'));
  const badIds = [
    'not-a-uuid',
    '1',
    "1' OR '1'='1",
    '<script>alert(1)</script>',
    '00000000-0000-0000-0000-00000000000g',
    `${randomUUID()}0`,
    '..%2F..%2Fetc%2Fpasswd',
    'x'.repeat(300),
  ];
  it.each(idOps.map((op) => [op.key, op] as const))('%s: a non-uuid id → 400', async (key, op) => {
    const [method] = key.split(' ') as [string];
    const agent = op.service === 'auth' ? h.auth.http : h.http;
    const body = validRequests[key] ? (await validRequests[key]()).body : undefined;
    for (const id of badIds) {
      const path = op.path.replace('{id}', id.includes('%') ? id : encodeURIComponent(id));
      await expectRejected(
        () => {
          let req = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path).set(admin.auth);
          if (body) req = req.send(body);
          return req;
        },
        `${key} id=${id}`,
        [400],
      );
    }
  });
});

describe('webhook subscriptions: URLs that must not be called', () => {
  it.each([
    'http://127.0.0.1/hooks',
    'http://[::1]:8080/hooks',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8/hooks',
    'http://[fd00::8]/hooks',
    'http://localhost:8080/hooks',
    'http://auth:8080/api/users',
    'https://admin:secret@hooks.example.com/hooks',
    'file:///etc/passwd',
    'gopher://hooks.example.com/',
    'javascript:alert(1)',
  ])('%s → 400, nothing written (on creation and on change)', async (url) => {
    await expectRejected(
      () => h.http.post('/api/webhooks').set(admin.auth).send({ url }),
      `POST url=${url}`,
      [400],
    );
    await expectRejected(
      () => h.http.patch(`/api/webhooks/${webhookId}`).set(admin.auth).send({ url }),
      `PATCH url=${url}`,
      [400],
    );
  });

  it('"*" with other event types, or an unknown type → 400', async () => {
    for (const events of [
      ['*', 'booking.created'],
      ['booking.deleted'],
      [],
      ['booking.created', 'booking.created'],
    ]) {
      await expectRejected(
        () =>
          h.http.post('/api/webhooks').set(admin.auth).send({ url: 'https://hooks.example.com/x', events }),
        `events=${JSON.stringify(events)}`,
        [400],
      );
    }
  });
});

describe('headers', () => {
  it('Idempotency-Key with injection strings: stored as an opaque key, never a 5xx', async () => {
    for (const payload of injections.filter((p) => !p.includes('\u0000'))) {
      const prepared = await validRequests['POST /api/bookings']!();
      const res = await send('POST /api/bookings', prepared, (req) =>
        req.set('Idempotency-Key', payload).send(prepared.body),
      );
      expect({ payload, status: res.status }).toEqual({ payload, status: 201 });
      const replay = await send('POST /api/bookings', prepared, (req) =>
        req.set('Idempotency-Key', payload).send(prepared.body),
      );
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(res.body.id);
    }
    const prepared = await validRequests['POST /api/bookings']!();
    await expectRejected(
      () =>
        send('POST /api/bookings', prepared, (req) =>
          req.set('Idempotency-Key', 'k'.repeat(201)).send(prepared.body),
        ),
      'Idempotency-Key too long',
      [400],
    );
  });
});

describe('the front desk’s bad input: a clear 4xx that changes nothing', () => {
  it('a PATCH that changes nothing → 422', async () => {
    const prepared = await validRequests['PATCH /api/bookings/{id}']!();
    const res = await expectRejected(
      () => send('PATCH /api/bookings/{id}', prepared, (req) => req.send({ check_in: day(3), guests: 1 })),
      'no-op PATCH',
      [422],
    );
    expect(JSON.parse(res.text).detail).toMatch(/changes nothing/);
  });

  it('more guests than the room sleeps → 400 naming guests', async () => {
    const prepared = await validRequests['PATCH /api/bookings/{id}']!();
    const res = await expectRejected(
      () => send('PATCH /api/bookings/{id}', prepared, (req) => req.send({ guests: 3 })),
      'capacity',
      [400],
    );
    expect(JSON.parse(res.text).errors).toEqual([expect.objectContaining({ path: 'guests' })]);
  });

  it('a stale, weak or malformed If-Match → 412; an over-long one → 400', async () => {
    for (const tag of ['"v0"', 'W/"v1"', '"v1" junk', "' OR 1=1 --", '<script>', '*, "v1"']) {
      const prepared = await validRequests['PATCH /api/bookings/{id}']!();
      await expectRejected(
        () =>
          send('PATCH /api/bookings/{id}', prepared, (req) => req.set('If-Match', tag).send(prepared.body)),
        `If-Match ${tag}`,
        [412],
      );
    }
    const prepared = await validRequests['PATCH /api/bookings/{id}']!();
    await expectRejected(
      () =>
        send('PATCH /api/bookings/{id}', prepared, (req) =>
          req.set('If-Match', `"${'v'.repeat(300)}"`).send(prepared.body),
        ),
      'If-Match too long',
      [400],
    );
    await expectRejected(
      () =>
        h.http.get(`/api/bookings/${guestBookingId}`).set(guest.auth).set('If-None-Match', 'x'.repeat(2001)),
      'If-None-Match too long',
      [400],
    );
    // A malformed If-None-Match holds nothing: the booking is sent.
    await h.http
      .get(`/api/bookings/${guestBookingId}`)
      .set(guest.auth)
      .set('If-None-Match', "' OR 1=1 --")
      .expect(200);
  });

  it('a phone with letters → 400, on creation and change', async () => {
    for (const key of ['POST /api/guests', 'PATCH /api/guests/{id}']) {
      for (const phone of ['+62 CALL ME', '555-0100 ext. 3', '12', '+', '++62 812 555']) {
        const prepared = await validRequests[key]!();
        await expectRejected(
          () => send(key, prepared, (req) => req.send({ ...prepared.body, phone })),
          `${key} phone=${phone}`,
          [400],
        );
      }
    }
  });

  it('override from a guest → 403 (check-in is the front desk’s), on their own booking too', async () => {
    const prepared = await validRequests['POST /api/bookings/{id}/check-in']!();
    await expectRejected(
      () =>
        send(
          'POST /api/bookings/{id}/check-in',
          { ...prepared, path: `/api/bookings/${guestBookingId}/check-in`, auth: guest.auth },
          (req) => req.send({ override: true }),
        ),
      'override by a guest',
      [403],
    );
  });

  it('an unknown reference finds nothing: an empty page (a search is no lookup), never another guest’s booking', async () => {
    for (const q of ['MH-ZZZZZZ', 'zzzzzz', 'MH-0O1IL5', 'MH-']) {
      const res = await h.http.get('/api/bookings').query({ q }).set(admin.auth).expect(200);
      expect({ q, items: res.body.items }).toEqual({ q, items: [] });
    }
  });

  it('unknown guest profile and room ids → 404; a guest naming someone else’s profile → 403', async () => {
    const room = await h.room();
    await expectRejected(
      () => h.book(admin, { room_id: room.id, check_in: day(3), check_out: day(4), guest_id: randomUUID() }),
      'unknown guest_id',
      [404],
    );
    await expectRejected(
      () => h.book(guest, { room_id: room.id, check_in: day(3), check_out: day(4), guest_id: randomUUID() }),
      'guest_id of someone else',
      [403],
    );
    const prepared = await validRequests['PATCH /api/bookings/{id}']!();
    await expectRejected(
      () => send('PATCH /api/bookings/{id}', prepared, (req) => req.send({ room_id: randomUUID() })),
      'unknown room',
      [404],
    );
    await expectRejected(
      () => h.http.patch(`/api/guests/${randomUUID()}`).set(admin.auth).send({ name: 'Nobody' }),
      'unknown guest',
      [404],
    );
    await expectRejected(
      () =>
        h.book(admin, {
          room_id: room.id,
          check_in: day(3),
          check_out: day(4),
          guest_id: randomUUID(),
          user_id: guest.id,
        }),
      'guest_id and user_id together',
      [400],
    );
  });
});
