/**
 * What a run records besides thresholds: every sample into the metrics, checks by group, and
 * the shim's own findings (contract violations, unimplemented APIs, iteration errors), each
 * logged once as it first happens.
 */
import { MetricRegistry, type Sample } from './metrics.ts';
import type { HttpRequest } from './protocol.ts';
import type { CheckCount, ShimFindings } from './summary.ts';

export type Log = (level: 'info' | 'warning' | 'error', message: string) => void;

export class RunRecord {
  readonly registry = new MetricRegistry();
  /** Checks by group path ('' for VU code, '::setup', '::teardown') and name. */
  readonly checks = new Map<string, Map<string, CheckCount>>();
  readonly findings: ShimFindings = {
    contractViolations: [],
    requestsChecked: 0,
    notImplemented: [],
    iterationErrors: 0,
    interruptedVUs: 0,
  };
  private readonly violations = new Map<string, number>();
  private readonly log: Log;

  constructor(log: Log) {
    this.log = log;
  }

  ingest(samples: Sample[]): void {
    for (const sample of samples) {
      this.registry.add(sample);
      if (sample.metric === 'checks')
        this.countCheck(sample.tags.group ?? '', sample.tags.check!, sample.value !== 0);
    }
  }

  private countCheck(group: string, name: string, passed: boolean): void {
    const byName = this.checks.get(group) ?? new Map<string, CheckCount>();
    this.checks.set(group, byName);
    const count = byName.get(name) ?? { passes: 0, fails: 0 };
    byName.set(name, count);
    if (passed) count.passes++;
    else count.fails++;
  }

  /** A request was checked against the specs; `why` says how it broke them, if it did. */
  contractChecked(request: HttpRequest, why: string | undefined): void {
    this.findings.requestsChecked++;
    if (!why) return;
    const route = `${request.method} ${new URL(request.url).pathname} (name=${request.tags.name ?? '-'})`;
    const key = `${route}: ${why}`;
    if (!this.violations.has(key)) this.log('error', `k6 shim: request breaks the OpenAPI contract: ${key}`);
    this.violations.set(key, (this.violations.get(key) ?? 0) + 1);
    this.findings.contractViolations = [...this.violations].map(([k, count]) => `${k} (×${count})`);
  }

  notImplemented(message: string): void {
    if (this.findings.notImplemented.includes(message)) return;
    this.findings.notImplemented.push(message);
    this.log('error', message);
  }

  iterationError(vuId: number, message: string): void {
    this.findings.iterationErrors++;
    this.log('error', `${message} vu=${vuId}`);
  }

  /** The shim's findings invalidate the run (exit code 1). */
  get shimFailed(): boolean {
    return this.findings.contractViolations.length > 0 || this.findings.notImplemented.length > 0;
  }
}
