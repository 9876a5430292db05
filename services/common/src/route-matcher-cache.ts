import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type PathToRegexp = (path: string, options?: { sensitive?: boolean; strict?: boolean }) => unknown;

/** The parts of express-openapi-validator the cache relies on. */
export interface ValidatorInternals {
  /** The path-to-regexp module object the validator requires. */
  pathToRegexpModule: { pathToRegexp?: unknown };
  /** The source of its route lookup (dist/middlewares/openapi.metadata.js). */
  metadataSource: string;
}

const memoized = Symbol.for('myhotel.routeMatcherCache');

/** Where the validator calls pathToRegexp through the module object, once per route and request. */
const moduleCall = /require\("path-to-regexp"\)[\s\S]*\(0, path_to_regexp_1\.pathToRegexp\)\(/;

export function validatorInternals(): ValidatorInternals {
  const main = require.resolve('express-openapi-validator');
  return {
    pathToRegexpModule: createRequire(main)('path-to-regexp') as ValidatorInternals['pathToRegexpModule'],
    metadataSource: readFileSync(join(dirname(main), 'middlewares', 'openapi.metadata.js'), 'utf8'),
  };
}

function internalsChanged(what: string): Error {
  return new Error(
    `express-openapi-validator internals changed (${what}): the route-matcher cache in ` +
      'services/common/src/route-matcher-cache.ts no longer applies. If the new version fixed ' +
      'cdimascio/express-openapi-validator#1217, delete the cache; otherwise adapt it.',
  );
}

/**
 * express-openapi-validator 5.6 compiles a path-to-regexp matcher for every documented route
 * on every request (lookupRoute in openapi.metadata.js) — measured as the largest
 * framework cost per request in our CPU profiles (see BENCHMARKS.md). Upstream fix pending:
 * cdimascio/express-openapi-validator#1217. A matcher depends only on (route, options), so the
 * path-to-regexp instance the validator loads gets a memoizing `pathToRegexp`. The set of
 * keys is bounded by the routes of our specs (and express's own, which compile once anyway).
 *
 * It checks the internals it patches first and throws at start-up when they changed, rather
 * than silently not caching (or breaking route lookup) after an upgrade.
 */
export function cacheRouteMatchers(internals: ValidatorInternals = validatorInternals()): void {
  const target = internals.pathToRegexpModule as { pathToRegexp?: unknown; [memoized]?: true };
  if (target[memoized]) return;
  const compile = target.pathToRegexp;
  if (typeof compile !== 'function')
    throw internalsChanged('path-to-regexp exports no pathToRegexp function');
  if (!moduleCall.test(internals.metadataSource)) {
    throw internalsChanged('openapi.metadata.js no longer calls pathToRegexp through the module object');
  }
  const cache = new Map<string, unknown>();
  const cached: PathToRegexp = (path, options = {}) => {
    if (typeof path !== 'string') return (compile as PathToRegexp)(path, options);
    const key = `${options.sensitive ? 's' : '-'}${options.strict ? 's' : '-'}${path}`;
    let matcher = cache.get(key);
    if (matcher === undefined) {
      matcher = (compile as PathToRegexp)(path, options);
      cache.set(key, matcher);
    }
    return matcher;
  };
  target.pathToRegexp = cached;
  if (target.pathToRegexp !== cached) throw internalsChanged('path-to-regexp exports are read-only');
  target[memoized] = true;
}
