/**
 * `Response.json(selector)`: k6 selects with gjson (github.com/tidwall/gjson). The shim
 * implements plain paths only, `items`, `items.0.id`, `a.b_c`: names and array indexes
 * separated by dots. gjson's other syntax (# queries, wildcards, modifiers, escapes) is
 * refused as not implemented. As in k6: invalid JSON or a missing path gives undefined.
 */
import { notImplemented } from '../vu/state.ts';

const plainPath = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function selectJson(body: string, selector: string): unknown {
  if (!plainPath.test(selector))
    notImplemented(`Response.json() selector syntax beyond a.b.0 ("${selector}")`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const key of selector.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) {
      value = (value as Record<string, unknown>)[key];
    } else return undefined;
  }
  return value;
}
