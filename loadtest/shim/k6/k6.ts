/** The shim's `k6` module: check, fail, sleep (k6 v1.8.1 internal/js/modules/k6/k6.go). */
import type { Sample } from '../metrics.ts';
import { block, emit, notImplemented, requireVuContext, vu, vuTags } from '../vu/state.ts';

/**
 * Runs each check (a function of `value`, or a plain value), emits one `checks` sample per
 * check, tagged with its name, and returns whether all passed. A check function that throws
 * counts as failed and its exception propagates, ending the remaining checks (as in k6).
 */
export function check(
  value: unknown,
  checks: Record<string, unknown>,
  tags?: Record<string, string>,
): boolean {
  requireVuContext('Using check()');
  if (checks === null || checks === undefined) throw new Error('no checks provided to `check`');
  const common = { ...vuTags(), ...(tags ?? {}) };
  let passed = true;
  for (const [name, condition] of Object.entries(checks)) {
    if (name.includes('::')) throw new Error("group and check names may not contain '::'");
    if (typeof condition === 'function' && condition.constructor.name === 'AsyncFunction') {
      throw new Error('the built-in check() does not support async functions as arguments');
    }
    let ok = false;
    let exception: unknown;
    try {
      ok = Boolean(typeof condition === 'function' ? condition(value) : condition);
    } catch (error) {
      exception = error;
    }
    if (!ok) passed = false;
    const sample: Sample = { metric: 'checks', value: ok ? 1 : 0, tags: { ...common, check: name } };
    emit([sample]);
    if (exception !== undefined) throw exception;
  }
  return passed;
}

/** Throws an Error with `message` (k6: "a fancy way of saying throw"). */
export function fail(message?: string): never {
  throw new Error(message ?? '');
}

/** Blocks the VU for `seconds` (times the runner's --sleep-scale, 1 unless told). */
export function sleep(seconds: number): void {
  block(Number(seconds) * 1000 * vu.sleepScale);
}

export function group(): never {
  return notImplemented('group()');
}

export function randomSeed(): never {
  return notImplemented('randomSeed()');
}

export default { check, fail, sleep, group, randomSeed };
