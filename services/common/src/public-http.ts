import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Requests to addresses that users name (webhook endpoints), guarded against server-side
 * request forgery: only http(s) without credentials, and only to public addresses — checked
 * on the addresses a name resolves to at the moment of connecting (the connection uses the
 * address that was checked, so a name cannot resolve to a public address for the check and
 * a private one for the request). Redirects are not followed. `allowPrivate` lifts the
 * address check (tests that deliver to 127.0.0.1).
 */

const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: reaches any IPv4 address through the gateway
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo among them)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds any IPv4 address
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is a public unicast address (not loopback, private, link-local, ULA, …). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !nonPublic.check(address, 'ipv4');
  // IPv4-mapped addresses (::ffff:a.b.c.d) are public when their IPv4 address is (BlockList
  // also checks IPv4 rules for them; a rule for ::ffff:0:0/96 would match every IPv4 address).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  return !nonPublic.check(address, 'ipv6');
}

/** Host names that never name a public service. */
const localNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/**
 * Why a user-given URL may not be requested, or undefined when it may (checked when it is
 * given; the addresses a name resolves to are checked again at every request).
 */
export function publicUrlProblem(
  url: string,
  { allowPrivate }: { allowPrivate: boolean },
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (allowPrivate) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPublicAddress(host) ? undefined : 'names a non-public address';
  if (!host.includes('.') || localNames.test(host.replace(/\.$/, ''))) return 'names a non-public host';
  return undefined;
}

/** A request refused before connecting: its target is not a public address. */
class TargetRefusedError extends Error {}

/** DNS resolution that fails unless every address of the name is public (`lookup` of a request). */
export const publicLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as LookupAddress[];
    const refused = list.find((entry) => !isPublicAddress(entry.address));
    if (refused || list.length === 0) {
      return callback(
        new TargetRefusedError(`${hostname} resolves to a non-public address`) as NodeJS.ErrnoException,
        '',
        0,
      );
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as AllCallback)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};
type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** The outcome of one request: the status the server answered, or why there was none. */
export type PostOutcome = { status: number; durationMs: number } | { error: string; durationMs: number };

const describe = (err: unknown, timeoutMs: number): string => {
  if (err instanceof TargetRefusedError) return `refused: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'TIMEOUT') return `no answer within ${timeoutMs / 1000} s`;
  return `${code ?? 'error'}: ${(err as Error).message}`.slice(0, 500);
};

/**
 * POSTs `body` (JSON) to a user-given URL on a fresh connection, within `timeoutMs` from start
 * to the response's status; never follows redirects (a 3xx is the answer). Never throws.
 */
export function postToPublicUrl(url: string, body: string, options: PostOptions): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const problem = publicUrlProblem(url, { allowPrivate: options.allowPrivate });
  if (problem) return Promise.resolve({ error: `refused: the URL ${problem}`, durationMs: 0 });
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const req = request(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: options.allowPrivate ? undefined : publicLookup,
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'MyHotel-Webhooks/1.0',
        },
      },
      (res: IncomingMessage) => {
        settle({ status: res.statusCode ?? 0, durationMs: elapsed() });
        res.resume(); // the body is not read; the connection closes once it has arrived
      },
    );
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
    }, options.timeoutMs);
    // The time limit covers a slow body too: the connection is cut when it is reached.
    req.once('close', () => clearTimeout(timer));
    req.once('error', (err) => settle({ error: describe(err, options.timeoutMs), durationMs: elapsed() }));
    req.end(body);
  });
}
