/**
 * Threshold syntax and evaluation as k6 v1.8.1 has them (metrics/thresholds_parser.go,
 * metrics/thresholds.go, metrics/metric.go):
 *
 *   "<aggregation> <operator> <value>"   e.g. p(95)<150, rate>0.99, count==1
 *   aggregation: count | rate | value | avg | min | max | med | p(<float>)
 *   operator:    > >= <= < == === !=      (scanned in k6's order: <= < >= > === == !=)
 *   metric key:  name or name{tag:value,tag2:value2}
 *
 * Evaluated once, at the end of the run, on every sample (k6's final evaluation does not skip
 * empty metrics): an empty Trend reads 0 for every statistic, so `p(95)<150` passes on a group
 * that recorded nothing; an empty Rate has no `rate`, so its thresholds pass; an empty Counter
 * counts 0, so `count>0` is the way to demand samples.
 */
import {
  sinkStatistics,
  unimplementedBuiltinMetrics,
  type MetricRegistry,
  type MetricType,
  type Series,
} from './metrics.ts';

type AggregationMethod = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med' | 'p';

interface ThresholdExpression {
  source: string;
  method: AggregationMethod;
  /** The percentile of p(N). */
  percentile?: number;
  operator: '>' | '>=' | '<=' | '<' | '===' | '==' | '!=';
  value: number;
}

const operators = ['<=', '<', '>=', '>', '===', '==', '!='] as const;
const methods: readonly AggregationMethod[] = ['value', 'count', 'rate', 'avg', 'min', 'med', 'max'];

/** Go's strconv.ParseFloat, for the decimal forms and the specials it accepts. */
function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  return undefined;
}

function parseThresholdExpression(source: string): ThresholdExpression {
  const fail = (reason: string): never => {
    throw new Error(`failed parsing threshold expression "${source}"; reason: ${reason}`);
  };
  let scanned: [string, (typeof operators)[number], string] | undefined;
  for (const op of operators) {
    const at = source.indexOf(op);
    if (at >= 0 && at + op.length < source.length) {
      scanned = [source.slice(0, at).trim(), op, source.slice(at + op.length).trim()];
      break;
    }
  }
  if (!scanned) return fail('malformed threshold expression');
  const [left, operator, right] = scanned;
  let method: AggregationMethod | undefined = methods.find((m) => m === left);
  let percentile: number | undefined;
  if (!method && left.startsWith('p(') && left.endsWith(')')) {
    percentile = parseGoFloat(left.slice(2, -1));
    if (percentile === undefined) fail('malformed percentile value');
    method = 'p';
  }
  if (!method) return fail('failed parsing method from expression');
  const value = parseGoFloat(right);
  if (value === undefined) return fail(`right hand side "${right}" is not a number`);
  return { source, method, percentile, operator, value };
}

/** The metric name and tag filter of a threshold key such as `http_req_duration{name:availability}`. */
interface MetricSelector {
  key: string;
  metric: string;
  /** Empty for the metric itself; else the tags a sample must carry to count. */
  tags: Record<string, string>;
}

function parseMetricSelector(key: string): MetricSelector {
  const open = key.indexOf('{');
  if (open < 0) {
    if (key.includes('}')) throw new Error(`metric "${key}" has unmatched opening/close curly brace`);
    return { key, metric: key, tags: {} };
  }
  if (!key.endsWith('}')) throw new Error(`metric "${key}" lacks a closing curly brace in its last position`);
  const inner = key.slice(open + 1, -1).trim();
  if (inner === '') throw new Error(`submetric criteria for metric "${key.slice(0, open)}" cannot be empty`);
  const tags: Record<string, string> = {};
  for (const pair of inner.split(',')) {
    if (pair === '') continue;
    const colon = pair.indexOf(':');
    if (colon < 0 || colon === pair.length - 1)
      throw new Error(`metric "${key}": tag expression "${pair}" is malformed`);
    const unquote = (s: string) => s.trim().replace(/^["']+|["']+$/g, '');
    tags[unquote(pair.slice(0, colon))] = unquote(pair.slice(colon + 1));
  }
  return { key, metric: key.slice(0, open), tags };
}

const supported: Record<MetricType, readonly AggregationMethod[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};

/** k6's Thresholds.Validate: the aggregation method must suit the metric's type. */
function checkMethodFits(expression: ThresholdExpression, key: string, type: MetricType): void {
  if (!supported[type].includes(expression.method)) {
    throw new Error(
      `invalid threshold "${expression.source}" applied on metric ${key}; reason: unsupported aggregation ` +
        `method ${expression.method} on metric of type ${type}. supported aggregation methods for this ` +
        `metric are: ${supported[type].join(', ')}`,
    );
  }
}

/** The key a statistic has in `SinkValues`: `p(95)`, `rate`, `count`… */
function statisticKey(expression: ThresholdExpression): string {
  return expression.method === 'p' ? `p(${expression.percentile})` : expression.method;
}

/** k6's Threshold.runNoTaint: a statistic the sink does not have (an empty Rate) passes. */
function thresholdPasses(expression: ThresholdExpression, statistics: Record<string, number>): boolean {
  const lhs = statistics[statisticKey(expression)];
  if (lhs === undefined) return true;
  switch (expression.operator) {
    case '>':
      return lhs > expression.value;
    case '>=':
      return lhs >= expression.value;
    case '<=':
      return lhs <= expression.value;
    case '<':
      return lhs < expression.value;
    case '==':
    case '===':
      return lhs === expression.value;
    case '!=':
      return lhs !== expression.value;
  }
}

/** A threshold bound to the series (metric or sub-metric) it reads. */
export interface BoundThreshold {
  key: string;
  expression: ThresholdExpression;
  series: Series;
}

export interface ThresholdResult {
  key: string;
  source: string;
  ok: boolean;
  /** The statistic the threshold read, e.g. `p(95)=12.30ms`. */
  reading: string;
}

/**
 * k6's threshold validation before the run: a known metric, a parsable expression, an
 * aggregation that suits the metric type. Errors starting with "k6 shim:" name what the shim
 * lacks; the others are k6's invalid configuration.
 */
export function bindThresholds(
  thresholds: Record<string, string[]>,
  registry: MetricRegistry,
): BoundThreshold[] {
  return Object.entries(thresholds).flatMap(([key, sources]) => {
    const selector = parseMetricSelector(key);
    if (unimplementedBuiltinMetrics.includes(selector.metric)) {
      throw new Error(`k6 shim: built-in metric ${selector.metric} is not implemented`);
    }
    const definition = registry.definition(selector.metric);
    if (!definition)
      throw new Error(`invalid threshold defined on ${key}; reason: no metric name "${key}" found`);
    const series = registry.seriesFor(key, selector.metric, selector.tags);
    return sources.map((source) => {
      const expression = parseThresholdExpression(source);
      checkMethodFits(expression, key, definition.type);
      return { key, expression, series };
    });
  });
}

function reading(threshold: BoundThreshold, statistic: string, value: number | undefined): string {
  const { definition } = threshold.series;
  if (value === undefined) return `${statistic}=no samples`;
  if (definition.contains === 'time') return `${statistic}=${value.toFixed(2)}ms`;
  if (definition.type === 'rate') return `${statistic}=${(value * 100).toFixed(2)}%`;
  return `${statistic}=${Number(value.toFixed(4))}`;
}

/** Every threshold on everything recorded, `runSeconds` being the run's length (a Counter's rate). */
export function evaluateThresholds(thresholds: BoundThreshold[], runSeconds: number): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const { key, expression, series } = threshold;
    const percentiles = expression.percentile === undefined ? [] : [expression.percentile];
    const statistics = sinkStatistics(series.sink, runSeconds, percentiles);
    const statistic = statisticKey(expression);
    return {
      key,
      source: expression.source,
      ok: thresholdPasses(expression, statistics),
      reading: reading(threshold, statistic, statistics[statistic]),
    };
  });
}
