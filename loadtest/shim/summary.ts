/**
 * The end-of-test summary: a text one in the manner of k6 v1 (thresholds, checks, metrics by
 * section) and the JSON k6 writes with --summary-export (its legacy format: per metric the
 * statistics and `thresholds: { "<expression>": <crossed> }`, checks under `root_group`), plus
 * a `k6_shim` section with what only the shim knows (contract violations, unimplemented APIs).
 */
import { formatDuration } from './duration.ts';
import { CounterSink, GaugeSink, RateSink, TrendSink, type Series } from './metrics.ts';
import type { ThresholdResult } from './thresholds.ts';

export interface CheckCount {
  passes: number;
  fails: number;
}

export interface ShimFindings {
  /** Requests that break the OpenAPI contract (deduplicated, with their count). */
  contractViolations: string[];
  requestsChecked: number;
  notImplemented: string[];
  iterationErrors: number;
  interruptedVUs: number;
  /** Why the run ended early (script exception, timeout, invalid options), if it did. */
  abortedBy?: string;
}

export interface SummaryData {
  script: string;
  runMs: number;
  /** Metrics and sub-metrics with samples or thresholds. */
  series: Series[];
  thresholds: ThresholdResult[];
  /** Checks by group path ('' for the VU code, '::setup', '::teardown') and name. */
  checks: Map<string, Map<string, CheckCount>>;
  findings: ShimFindings;
  exitCode: number;
}

const trendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] as const;

function trendValues(sink: TrendSink): Record<string, number> {
  return {
    avg: sink.avg,
    min: sink.min,
    med: sink.percentile(0.5),
    max: sink.max,
    'p(90)': sink.percentile(0.9),
    'p(95)': sink.percentile(0.95),
  };
}

function formatValue(value: number, isTime: boolean): string {
  if (!isTime) return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (value >= 1000) return `${(value / 1000).toFixed(2)}s`;
  return value >= 1 ? `${value.toFixed(2)}ms` : `${(value * 1000).toFixed(2)}µs`;
}

function describeSeries(series: Series, runSeconds: number): string {
  const { sink } = series;
  const isTime = series.definition.contains === 'time';
  if (sink instanceof TrendSink) {
    const values = trendValues(sink);
    return trendStats.map((s) => `${s}=${formatValue(values[s]!, isTime)}`).join(' ');
  }
  if (sink instanceof RateSink) {
    const rate = sink.total > 0 ? sink.trues / sink.total : 0;
    return `${(rate * 100).toFixed(2)}% ${sink.trues} out of ${sink.total}`;
  }
  if (sink instanceof CounterSink) return `${sink.value} ${(sink.value / runSeconds).toFixed(2)}/s`;
  return String((sink as GaugeSink).value);
}

function section(name: string): string {
  if (name === 'checks') return 'CHECKS';
  if (name.startsWith('http_')) return 'HTTP';
  if (name.startsWith('iteration')) return 'EXECUTION';
  return 'CUSTOM';
}

export function textSummary(data: SummaryData): string {
  const lines: string[] = [];
  const runSeconds = Math.max(data.runMs / 1000, 1e-3);
  if (data.thresholds.length > 0) {
    lines.push('  █ THRESHOLDS', '');
    const byKey = new Map<string, ThresholdResult[]>();
    for (const t of data.thresholds) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
    for (const [key, results] of byKey) {
      lines.push(`    ${key}`);
      for (const t of results) lines.push(`    ${t.ok ? '✓' : '✗'} '${t.source}' ${t.reading}`);
      lines.push('');
    }
  }
  lines.push('  █ TOTAL RESULTS', '');
  for (const [group, checks] of data.checks) {
    if (group) lines.push(`    █ ${group.replace(/^::/, '')}`);
    for (const [name, count] of checks) {
      lines.push(
        `    ${count.fails === 0 ? '✓' : '✗'} ${name}${count.fails ? ` (${count.fails} failed)` : ''}`,
      );
    }
    lines.push('');
  }
  const sections = new Map<string, string[]>();
  for (const series of [...data.series].sort((a, b) => a.key.localeCompare(b.key))) {
    const name = section(series.definition.name);
    const label =
      series.key === series.definition.name
        ? series.key
        : `  { ${series.key.slice(series.definition.name.length + 1, -1)} }`;
    const line = `    ${label}${'.'.repeat(Math.max(2, 44 - label.length))}: ${describeSeries(series, runSeconds)}`;
    sections.set(name, [...(sections.get(name) ?? []), line]);
  }
  for (const name of ['CHECKS', 'CUSTOM', 'HTTP', 'EXECUTION']) {
    const block = sections.get(name);
    if (block) lines.push(`    ${name}`, ...block, '');
  }
  const f = data.findings;
  lines.push(
    '  █ K6 SHIM',
    '',
    `    run: ${data.script}, ${formatDuration(data.runMs)}, exit code ${data.exitCode}`,
    `    contract check: ${f.requestsChecked} requests against openapi/, ${f.contractViolations.length} violations`,
    ...f.contractViolations.map((v) => `    ✗ ${v}`),
    ...f.notImplemented.map((n) => `    ✗ ${n}`),
    `    iteration errors: ${f.iterationErrors}; VUs interrupted at the end: ${f.interruptedVUs}`,
    ...(f.abortedBy ? [`    ✗ aborted: ${f.abortedBy}`] : []),
    '',
  );
  return lines.join('\n');
}

function legacyValues(series: Series, runSeconds: number): Record<string, number> {
  const { sink } = series;
  if (sink instanceof TrendSink) return trendValues(sink);
  if (sink instanceof RateSink) {
    return {
      passes: sink.trues,
      fails: sink.total - sink.trues,
      value: sink.total ? sink.trues / sink.total : 0,
    };
  }
  if (sink instanceof CounterSink) return { count: sink.value, rate: sink.value / runSeconds };
  return { value: (sink as GaugeSink).value };
}

/** k6's legacy --summary-export document, with the shim's findings under `k6_shim`. */
export function summaryExport(data: SummaryData): string {
  const runSeconds = Math.max(data.runMs / 1000, 1e-3);
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const series of data.series) {
    const thresholds = data.thresholds.filter((t) => t.key === series.key);
    metrics[series.key] = {
      ...legacyValues(series, runSeconds),
      ...(thresholds.length > 0
        ? { thresholds: Object.fromEntries(thresholds.map((t) => [t.source, !t.ok])) }
        : {}),
    };
  }
  const checksOf = (group: string) =>
    Object.fromEntries(
      [...(data.checks.get(group) ?? [])].map(([name, count]) => [
        name,
        { name, path: `${group}::${name}`, ...count },
      ]),
    );
  const groups = Object.fromEntries(
    [...data.checks.keys()]
      .filter((group) => group !== '')
      .map((group) => [
        group.replace(/^::/, ''),
        { name: group.replace(/^::/, ''), path: group, groups: {}, checks: checksOf(group) },
      ]),
  );
  return JSON.stringify(
    {
      root_group: { name: '', path: '', groups, checks: checksOf('') },
      metrics,
      k6_shim: { ...data.findings, exit_code: data.exitCode, run_ms: data.runMs },
    },
    null,
    2,
  );
}
