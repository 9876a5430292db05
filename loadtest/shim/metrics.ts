/**
 * The metrics the shim records, their sinks and the sub-metrics thresholds select (k6's
 * metrics/sink.go and the metrics engine): only the built-in metrics listed in `builtinMetrics`
 * exist here; a threshold on another k6 built-in metric is refused as not implemented.
 */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  /** `time` for durations (milliseconds), else `default`. */
  contains: 'time' | 'default';
}

/** One observation, as VUs and the HTTP engine emit it. */
export interface Sample {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

const builtinMetrics: readonly MetricDefinition[] = [
  { name: 'checks', type: 'rate', contains: 'default' },
  { name: 'http_reqs', type: 'counter', contains: 'default' },
  { name: 'http_req_duration', type: 'trend', contains: 'time' },
  { name: 'http_req_failed', type: 'rate', contains: 'default' },
  { name: 'iterations', type: 'counter', contains: 'default' },
  { name: 'iteration_duration', type: 'trend', contains: 'time' },
];

/** k6 built-in metrics the shim does not record (a threshold on one is refused loudly). */
export const unimplementedBuiltinMetrics = [
  'vus',
  'vus_max',
  'dropped_iterations',
  'data_received',
  'data_sent',
  'group_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
];

/** k6's metric name rule (metrics/registry.go). */
const metricName = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

export function checkMetricName(name: string): void {
  if (!metricName.test(name)) {
    throw new Error(
      `Invalid metric name: '${name}'. A metric name must only include up to 128 ASCII letters, numbers, ` +
        `or underscores and start with a letter or an underscore`,
    );
  }
}

export class TrendSink {
  private values: number[] = [];
  private sorted = true;
  count = 0;
  sum = 0;
  min = 0;
  max = 0;

  add(value: number): void {
    if (this.count === 0) [this.min, this.max] = [value, value];
    else [this.min, this.max] = [Math.min(this.min, value), Math.max(this.max, value)];
    this.values.push(value);
    this.sorted = false;
    this.count++;
    this.sum += value;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  get avg(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /** k6's TrendSink.P: linear interpolation between the closest ranks; 0 when empty. */
  percentile(fraction: number): number {
    if (this.count === 0) return 0;
    if (this.count === 1) return this.values[0]!;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const i = fraction * (this.count - 1);
    const low = this.values[Math.floor(i)]!;
    const high = this.values[Math.ceil(i)]!;
    return low + (high - low) * (i - Math.floor(i));
  }
}

export class RateSink {
  trues = 0;
  total = 0;
  get empty(): boolean {
    return this.total === 0;
  }
  add(value: number): void {
    this.total++;
    if (value !== 0) this.trues++;
  }
}

export class CounterSink {
  value = 0;
  samples = 0;
  get empty(): boolean {
    return this.samples === 0;
  }
  add(value: number): void {
    this.value += value;
    this.samples++;
  }
}

export class GaugeSink {
  value = 0;
  empty = true;
  add(value: number): void {
    this.value = value;
    this.empty = false;
  }
}

export type Sink = TrendSink | RateSink | CounterSink | GaugeSink;

function newSink(type: MetricType): Sink {
  switch (type) {
    case 'trend':
      return new TrendSink();
    case 'rate':
      return new RateSink();
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
  }
}

/** A metric or a sub-metric (the samples of a metric that carry given tags). */
export interface Series {
  /** `name` or `name{tag:value}` as the script wrote it. */
  key: string;
  definition: MetricDefinition;
  tags: Record<string, string>;
  sink: Sink;
}

export class MetricRegistry {
  private readonly definitions = new Map<string, MetricDefinition>();
  private readonly series = new Map<string, Series>();
  private readonly submetrics = new Map<string, Series[]>();

  constructor(custom: readonly MetricDefinition[] = []) {
    for (const definition of [...builtinMetrics, ...custom]) this.define(definition);
  }

  /** Declares a metric (k6 refuses one name with two types). */
  define(definition: MetricDefinition): void {
    const known = this.definitions.get(definition.name);
    if (known && (known.type !== definition.type || known.contains !== definition.contains)) {
      throw new Error(`metric '${definition.name}' already exists but with type ${known.type}`);
    }
    if (known) return;
    checkMetricName(definition.name);
    this.definitions.set(definition.name, definition);
    this.series.set(definition.name, {
      key: definition.name,
      definition,
      tags: {},
      sink: newSink(definition.type),
    });
  }

  definition(name: string): MetricDefinition | undefined {
    return this.definitions.get(name);
  }

  /** The series of a metric, or of its sub-metric with these tags (created on first use). */
  seriesFor(key: string, metric: string, tags: Record<string, string>): Series {
    const existing = this.series.get(key);
    if (existing) return existing;
    const definition = this.definitions.get(metric);
    if (!definition) throw new Error(`metric '${metric}' does not exist in the script`);
    const series = { key, definition, tags, sink: newSink(definition.type) };
    this.series.set(key, series);
    this.submetrics.set(metric, [...(this.submetrics.get(metric) ?? []), series]);
    return series;
  }

  add(sample: Sample): void {
    const main = this.series.get(sample.metric);
    if (!main) throw new Error(`k6 shim: a sample of the undeclared metric '${sample.metric}'`);
    main.sink.add(sample.value);
    for (const sub of this.submetrics.get(sample.metric) ?? []) {
      if (Object.entries(sub.tags).every(([k, v]) => sample.tags[k] === v)) sub.sink.add(sample.value);
    }
  }

  /** Every series with samples or thresholds, metrics before their sub-metrics. */
  all(): Series[] {
    return [...this.series.values()];
  }
}

/**
 * The statistics thresholds read (k6's Thresholds.Run): count/rate of a Counter (rate per
 * second of the test run), rate of a Rate (absent when empty), min/max/avg/med/p(N) of a Trend.
 */
export function sinkStatistics(
  sink: Sink,
  runSeconds: number,
  percentiles: number[],
): Record<string, number> {
  if (sink instanceof CounterSink) return { count: sink.value, rate: sink.value / runSeconds };
  if (sink instanceof GaugeSink) return { value: sink.value };
  if (sink instanceof RateSink) return sink.total > 0 ? { rate: sink.trues / sink.total } : {};
  const statistics: Record<string, number> = {
    min: sink.min,
    max: sink.max,
    avg: sink.avg,
    med: sink.percentile(0.5),
  };
  for (const p of percentiles) statistics[`p(${p})`] = sink.percentile(p / 100);
  return statistics;
}
