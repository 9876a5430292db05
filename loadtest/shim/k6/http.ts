/**
 * The shim's `k6/http` module: synchronous get/post/put/patch/del/request and
 * expectedStatuses (k6 v1.8.1 js/modules/k6/http). Params: `headers`, `tags` and
 * `responseCallback`; k6's other params (cookies, jar, compression, redirects, auth, timeout,
 * throw, responseType) are refused, and unknown keys ignored, as k6 ignores them. Bodies:
 * a string or null. The runner sends the request, times it, records http_reqs,
 * http_req_duration and http_req_failed, and checks it against the OpenAPI specs.
 */
import type { ExpectedStatuses, HttpResponse } from '../protocol.ts';
import { httpExchange, notImplemented, requireVuContext, vuTags } from '../vu/state.ts';
import { selectJson } from './json-path.ts';

/** What http.expectedStatuses() returns: only usable as a responseCallback. */
class ExpectedStatusesCallback {
  readonly exact: number[] = [];
  readonly ranges: Array<[number, number]> = [];
}

export function expectedStatuses(...statuses: Array<number | { min: number; max: number }>) {
  if (statuses.length === 0) throw new Error('no arguments');
  const callback = new ExpectedStatusesCallback();
  statuses.forEach((status, i) => {
    if (Number.isInteger(status)) callback.exact.push(status as number);
    else if (typeof status === 'object' && status !== null && 'min' in status && 'max' in status) {
      if (!Number.isInteger(status.min) || !Number.isInteger(status.max)) {
        throw new Error(`both min and max need to be integers for argument number ${i + 1}`);
      }
      callback.ranges.push([status.min, status.max]);
    } else {
      throw new Error(
        `argument number ${i + 1} to expectedStatuses was neither an integer nor an object like {min:100, max:329}`,
      );
    }
  });
  return Object.freeze(callback);
}

const refusedParams = [
  'cookies',
  'jar',
  'compression',
  'redirects',
  'auth',
  'timeout',
  'throw',
  'responseType',
];

interface Params {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  responseCallback?: unknown;
}

function expectedOf(params: Params): ExpectedStatuses {
  if (!('responseCallback' in params)) return 'default';
  const callback = params.responseCallback;
  if (callback === null || callback === undefined) return null;
  if (!(callback instanceof ExpectedStatusesCallback)) throw new Error('unsupported responseCallback');
  return { exact: [...callback.exact], ranges: callback.ranges.map(([a, b]) => [a, b] as [number, number]) };
}

const responseProperties = [
  'status',
  'status_text',
  'proto',
  'url',
  'headers',
  'body',
  'error',
  'error_code',
];
const unimplementedResponseMembers = [
  'cookies',
  'timings',
  'remote_ip',
  'remote_port',
  'tls_version',
  'tls_cipher_suite',
  'ocsp',
  'request',
  'html',
  'clickLink',
  'submitForm',
];

/** A k6 Response: the fields above and json(); reading another k6 Response member throws. */
function responseObject(answer: HttpResponse): object {
  let parsed: { value: unknown } | undefined;
  const fields: Record<string, unknown> = {
    status: answer.status,
    status_text: answer.statusText,
    proto: answer.proto,
    url: answer.url,
    headers: answer.headers,
    body: answer.body,
    error: answer.error,
    error_code: answer.errorCode,
    json(selector?: string): unknown {
      if (answer.body === null) {
        throw new Error(
          "the body is null so we can't transform it to JSON - this likely was because of a request error getting the response",
        );
      }
      if (selector !== undefined) return selectJson(answer.body, selector);
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(answer.body) };
        } catch (error) {
          throw new Error(`cannot parse json due to an error: ${(error as Error).message}`, { cause: error });
        }
      }
      return parsed.value;
    },
  };
  return new Proxy(fields, {
    get(target, property) {
      if (typeof property === 'string' && unimplementedResponseMembers.includes(property)) {
        notImplemented(`Response.${property}`);
      }
      return Reflect.get(target, property);
    },
    set(target, property, value) {
      if (typeof property === 'string' && responseProperties.includes(property)) return false;
      return Reflect.set(target, property, value);
    },
  });
}

export function request(method: string, url: unknown, body?: unknown, params?: unknown): object {
  requireVuContext('Making http requests');
  if (typeof url !== 'string') notImplemented('a URL that is not a string (http.url``)');
  if (body !== null && body !== undefined && typeof body !== 'string') {
    notImplemented('a request body that is not a string (form fields, ArrayBuffer, http.file)');
  }
  const given = (params ?? {}) as Params & Record<string, unknown>;
  for (const key of refusedParams) if (key in given) notImplemented(`http params.${key}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given.headers ?? {})) headers[name] = String(value);
  const tags: Record<string, string> = { ...vuTags() };
  for (const [name, value] of Object.entries(given.tags ?? {})) tags[name] = String(value);
  const answer = httpExchange({
    method: method.toUpperCase(),
    url,
    headers,
    body: typeof body === 'string' ? body : null,
    tags,
    expected: expectedOf(given),
  });
  return responseObject(answer);
}

export const get = (url: unknown, params?: unknown) => request('GET', url, null, params);
export const head = (url: unknown, params?: unknown) => request('HEAD', url, null, params);
export const post = (url: unknown, body?: unknown, params?: unknown) => request('POST', url, body, params);
export const put = (url: unknown, body?: unknown, params?: unknown) => request('PUT', url, body, params);
export const patch = (url: unknown, body?: unknown, params?: unknown) => request('PATCH', url, body, params);
export const del = (url: unknown, body?: unknown, params?: unknown) => request('DELETE', url, body, params);
export const options = (url: unknown, body?: unknown, params?: unknown) =>
  request('OPTIONS', url, body, params);

const unimplemented = (api: string) => () => notImplemented(`http.${api}`);
export const batch = unimplemented('batch');
export const asyncRequest = unimplemented('asyncRequest');
export const setResponseCallback = unimplemented('setResponseCallback');
export const file = unimplemented('file');
export const cookieJar = unimplemented('cookieJar');
export const url = unimplemented('url');

export default {
  request,
  get,
  head,
  post,
  put,
  patch,
  del,
  options,
  expectedStatuses,
  batch,
  asyncRequest,
  setResponseCallback,
  file,
  cookieJar,
  url,
};
