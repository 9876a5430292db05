/**
 * k6 durations (lib/types.Duration): a Go duration string such as `30s`, `1m30s`, `1.5h`,
 * `500ms`, plus k6's `d` for days, or a number of milliseconds.
 */
const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const durationSyntax = /^(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/;

/** Milliseconds of a k6 duration; throws naming `what` when it is not one. */
export function parseDuration(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') throw new Error(`${what}: ${JSON.stringify(value)} is not a duration`);
  if (value === '0') return 0;
  let rest = value;
  let ms = 0;
  while (rest.length > 0) {
    const part = durationSyntax.exec(rest);
    if (!part) throw new Error(`${what}: "${value}" is not a duration (e.g. 30s, 1m30s, 2h)`);
    ms += Number(part[1]) * unitMs[part[3]!]!;
    rest = rest.slice(part[0].length);
  }
  if (value.length === 0) throw new Error(`${what}: an empty string is not a duration`);
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(1))}s`;
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const rest = `${m % 60}m${Math.round(s % 60)}s`;
  return h > 0 ? `${h}h${rest}` : rest;
}
