import { cacheRouteMatchers, validatorInternals, type ValidatorInternals } from '../src/route-matcher-cache';

/** A stand-in path-to-regexp module that counts compilations. */
function fakeInternals(metadataSource = validatorInternals().metadataSource) {
  const compiled: string[] = [];
  const pathToRegexpModule = {
    pathToRegexp: (path: string) => {
      compiled.push(path);
      return { path };
    },
  };
  return { internals: { pathToRegexpModule, metadataSource } satisfies ValidatorInternals, compiled };
}

describe('route-matcher cache', () => {
  it('applies to the installed express-openapi-validator (start-up would fail otherwise)', () => {
    expect(() => cacheRouteMatchers()).not.toThrow();
  });

  it('compiles each route once per options', () => {
    const { internals, compiled } = fakeInternals();
    cacheRouteMatchers(internals);
    const matcher = internals.pathToRegexpModule.pathToRegexp as (p: string, o?: object) => unknown;
    expect(matcher('/api/rooms/:id')).toBe(matcher('/api/rooms/:id'));
    matcher('/api/rooms/:id', { strict: true });
    expect(compiled).toEqual(['/api/rooms/:id', '/api/rooms/:id']);
  });

  it('fails loudly when the validator no longer calls pathToRegexp through the module', () => {
    const { internals } = fakeInternals(
      'const { pathToRegexp } = require("path-to-regexp"); pathToRegexp(route, opts);',
    );
    expect(() => cacheRouteMatchers(internals)).toThrow(/internals changed.*#1217/s);
  });

  it('fails loudly when path-to-regexp no longer exports pathToRegexp', () => {
    const { internals } = fakeInternals();
    expect(() =>
      cacheRouteMatchers({ ...internals, pathToRegexpModule: { match: () => undefined } as never }),
    ).toThrow(/no pathToRegexp function/);
  });

  it('fails loudly when the module exports cannot be replaced', () => {
    const { internals } = fakeInternals();
    const frozen = Object.freeze({ pathToRegexp: () => undefined });
    expect(() => cacheRouteMatchers({ ...internals, pathToRegexpModule: frozen })).toThrow();
  });
});
