/**
 * Summarises a V8 .cpuprofile (from BENCH_PROFILE=1): where a service's busy time goes, by
 * layer of the request pipeline, by package or source file, and the hottest functions.
 * Usage: tsx loadtest/bench/profile-summary.ts <file.cpuprofile>
 *
 * A sample is charged to the innermost frame of a package or of our own code: time in native
 * code and in Node's own modules (JSON, setHeader, url.parse, a log line's fs.write) counts
 * for the layer that called it. Socket reads and writes are the exception — they are the
 * work every server does, the bare one too — and so is what Node does with no caller of ours
 * (parsing HTTP, the event loop). Idle time and start-up (module loading, compiling) are left
 * out: the shares are of the time the process worked on requests.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Node's socket reads and writes: charged to themselves, not to their caller. */
const socketIo = /^node:(net|internal\/stream_base_commons)$/;

/** The pipeline's layers, each by the packages and files it runs in (first match wins). */
const layers: Array<[string, RegExp]> = [
  [
    'logging (pino, request log, redaction)',
    /^(pino|pino-std-serializers|@pinojs\/.*|sonic-boom|thread-stream|services\/common\/src\/(logger|request-log)\.ts)$/,
  ],
  ['metrics (prom-client)', /^(prom-client|tdigest|bintrees|services\/common\/src\/metrics\.ts)$/],
  ['security headers (helmet), CORS', /^(helmet|cors|services\/common\/src\/cors\.ts)$/],
  [
    'request validation (express-openapi-validator, ajv), body checks',
    /^(express-openapi-validator|ajv|ajv-formats|ajv-draft-04|fast-uri|fast-deep-equal|json-schema-traverse|path-to-regexp|media-typer|content-type|services\/common\/src\/(request-validation|route-lookup|reject-nul-characters|json-body)\.ts)$/,
  ],
  ['token verification (jose)', /^(jose|services\/common\/src\/(auth|jwks)\.ts)$/],
  ['query runner (TypeORM)', /^(typeorm|services\/common\/src\/(db|sql|pagination)\.ts)$/],
  [
    'pg driver (pg, pg-pool, pg-protocol, types)',
    /^(pg|pg-pool|pg-protocol|pg-types|postgres-date|postgres-interval|postgres-array|postgres-bytea|pg-connection-string|pg-cloudflare)$/,
  ],
  ['response serialisation', /^(fast-json-stringify|services\/common\/src\/serialis.*\.ts)$/],
  [
    'Express (routing, req/res helpers, body parser)',
    /^(express|router|body-parser|raw-body|finalhandler|on-finished|send|statuses|type-is|accepts|negotiator|qs|parseurl|encodeurl|escape-html|etag|fresh|range-parser|http-errors|depd|iconv-lite|content-disposition|cookie|cookie-signature|vary|mime-types|mime-db|proxy-addr|forwarded|ipaddr\.js|merge-descriptors|utils-merge|call-bind.*|get-intrinsic|side-channel.*|services\/common\/src\/(app|problem|errors|preconditions|lifecycle)\.ts)$/,
  ],
  ['the service (routes, domain, views, data)', /^services\/(hotel|auth)\/src\//],
  ['bench server', /^loadtest\//],
  ['socket I/O (reads and writes)', socketIo],
  ['Node core, no caller of ours (HTTP parsing, event loop)', /^node:/],
];

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
};

/** A frame's package (node_modules), own source file, or node: module; '' for native code. */
function bucket(url: string): string {
  if (!url) return '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(services\/[^/]+\/src\/[^?]+|scripts\/[^?]+|loadtest\/[^?]+)/.exec(url);
  return own ? own[1]! : url;
}

const layerOf = (b: string) => layers.find(([, pattern]) => pattern.test(b))?.[0] ?? `other: ${b}`;
const isStartUp = (b: string) =>
  b === 'tsx' || /^node:internal\/(modules|source_map|bootstrap|main)/.test(b) || b === 'esbuild';

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

/**
 * The frame a sample is charged to: the innermost frame of a package or of our own code, or
 * of socket I/O; else the innermost of Node's (native code has no source). And whether the
 * sample is start-up work.
 */
function attribute(node: ProfileNode): { frame: ProfileNode | undefined; startUp: boolean } {
  let frame: ProfileNode | undefined;
  let nodeFrame: ProfileNode | undefined;
  let startUp = false;
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id)!;
    const b = bucket(n.callFrame.url);
    if (isStartUp(b)) startUp = true;
    if (!b || frame) continue;
    if (b.startsWith('node:') && !socketIo.test(b)) nodeFrame ??= n;
    else frame = n;
  }
  return { frame: frame ?? nodeFrame, startUp };
}

const byLayer = new Map<string, number>();
const byBucket = new Map<string, number>();
const byFunction = new Map<string, number>();
const add = (map: Map<string, number>, key: string, hits: number) => map.set(key, (map.get(key) ?? 0) + hits);
let idle = 0;
let startUp = 0;
let busy = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle += hits;
    continue;
  }
  const { frame, startUp: inStartUp } = attribute(node);
  if (inStartUp) {
    startUp += hits;
    continue;
  }
  busy += hits;
  if (!frame) {
    // (garbage collector), (program): no JavaScript caller in the sample.
    add(
      byLayer,
      name === '(garbage collector)' ? 'garbage collection' : 'native, no JS caller (program)',
      hits,
    );
    continue;
  }
  const b = bucket(frame.callFrame.url);
  add(byLayer, layerOf(b), hits);
  add(byBucket, b, hits);
  const native = frame === node ? '' : ` → ${name}`;
  add(
    byFunction,
    `${frame.callFrame.functionName || '(anonymous)'} ${b}:${frame.callFrame.lineNumber + 1}${native}`,
    hits,
  );
}

const top = (map: Map<string, number>, n: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / busy) * 100).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
const total = busy + idle + startUp;
console.log(
  `samples: ${total} over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s; busy ${busy} (${((busy / total) * 100).toFixed(0)} %), idle ${idle}, start-up ${startUp}\n`,
);
console.log(`busy time by layer:\n${top(byLayer, 30)}\n`);
console.log(`by package / file:\n${top(byBucket, 25)}\n`);
console.log(`hottest functions (native time charged to its caller):\n${top(byFunction, 30)}`);
