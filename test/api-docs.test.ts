/**
 * The published contract: each service serves its spec as one self-contained document
 * (JSON and YAML), hotel serves /docs, and through the gateway (the Ingress's route table)
 * a browser renders the reference of both APIs from our own copy of Redoc, offline.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { parse } from 'yaml';
import { startGateway } from '../scripts/gateway';
import { freePort } from '../tooling/free-port';
import { describeWithBrowser, renderedDom, screenshot } from './support/browser';
import { startHotelForTest, type HotelHarness } from './support/hotel';
import { specOperations } from './support/spec';

let hotel: HotelHarness;
const servers: Server[] = [];
let base: string;

const listen = (app: RequestListener) =>
  new Promise<string>((resolve) => {
    const server = createServer(app).listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    });
    servers.push(server);
  });

beforeAll(async () => {
  hotel = await startHotelForTest();
  const upstreams = { auth: await listen(hotel.auth.app), hotel: await listen(hotel.app) };
  const port = await freePort();
  servers.push(await startGateway(port, upstreams));
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await hotel?.close();
});

describe.each(['auth', 'hotel'] as const)('/openapi/%s', (name) => {
  test('JSON and YAML are the same single document, every operation of the source in it', async () => {
    const json = await fetch(`${base}/openapi/${name}.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await json.text();
    expect(text).not.toContain('components.yaml'); // shared parts bundled in
    const document = JSON.parse(text) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    const source = specOperations([name])
      .map((op) => op.operation.operationId as string)
      .sort();
    const published = Object.values(document.paths)
      .flatMap((item) => Object.values(item as Record<string, { operationId?: string }>))
      .map((op) => op.operationId)
      .filter(Boolean)
      .sort();
    expect(published).toEqual(source);

    const yaml = await fetch(`${base}/openapi/${name}.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parse(await yaml.text())).toEqual(document);
  });
});

test('/ leads to /docs, which lists both APIs with their specs; pages carry a strict CSP', async () => {
  const root = await fetch(`${base}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/docs');
  const index = await fetch(`${base}/docs`);
  expect(index.status).toBe(200);
  const html = await index.text();
  for (const link of ['/docs/auth', '/docs/hotel', '/openapi/auth.yaml', '/openapi/hotel.json']) {
    expect(html).toContain(`href="${link}"`);
  }
  const csp = index.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  const redoc = await fetch(`${base}/docs/redoc.standalone.js`);
  expect(redoc.status).toBe(200);
  expect(redoc.headers.get('content-type')).toMatch(/javascript/);
  expect((await redoc.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
});

/** Share of pixels that are not near-white, and how many distinct colours a PNG has. */
function ink(file: string): { inked: number; colours: number } {
  const png = PNG.sync.read(readFileSync(file));
  const colours = new Set<number>();
  let inked = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    if (r + g + b < 700) inked += 1;
  }
  return { inked: inked / (png.width * png.height), colours: colours.size };
}

describeWithBrowser('the reference in a real browser (headless Chromium)', () => {
  jest.setTimeout(120_000);

  test.each([
    ['hotel', ['Book a room', 'Search free rooms for a stay', 'Check a guest in', 'List my notifications']],
    ['auth', ['Create a guest account', 'The caller', 'Public keys that verify access tokens']],
  ] as const)('/docs/%s renders the operation list', async (name, summaries) => {
    const dom = await renderedDom(`${base}/docs/${name}`);
    for (const summary of summaries) expect(dom).toContain(summary);
    for (const op of specOperations([name])) expect(dom).toContain(op.operation.summary as string);

    const dir = mkdtempSync(join(tmpdir(), 'myhotel-docs-'));
    try {
      const file = join(dir, `${name}.png`);
      await screenshot(`${base}/docs/${name}`, file);
      const { inked, colours } = ink(file);
      expect(inked).toBeGreaterThan(0.02); // text and the menu, not a blank page
      expect(colours).toBeGreaterThan(50); // a styled page, not an error text
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
