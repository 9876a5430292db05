/**
 * Documented-status coverage: every status an operation documents in openapi/*.yaml must be
 * answered by that operation somewhere in the test run, or be exempt below with a reason.
 *
 * Each response of the services (`METHOD /path STATUS`) is recorded by test/support/
 * record-statuses.ts into one file per test run, named by MYHOTEL_STATUS_LOG (set in
 * test/global-setup.ts): in the jest workers for in-process apps, and in the child processes
 * of the fault and fuzz tests. The services themselves carry no such instrumentation.
 * test/global-teardown.ts checks the file after a full run (not after a filtered one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { specOperations } from './spec';

/**
 * Documented but deliberately not reached by tests. 500 is every operation's description of
 * an unexpected failure: the tests (and the fuzzing) assert it never happens.
 */
export const exemptStatuses: Record<string, string> = {
  '500': 'the unexpected-failure response; tests assert it never happens',
};

interface DocumentedOperation {
  key: string;
  method: string;
  pattern: RegExp;
  statuses: string[];
}

/** Every operation of both specs, with the pattern its concrete paths match and its documented statuses. */
export function documentedOperations(): DocumentedOperation[] {
  return specOperations().map((op) => ({
    key: op.key,
    method: op.method,
    pattern: new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    statuses: Object.keys((op.operation.responses as Record<string, unknown> | undefined) ?? {}),
  }));
}

export interface StatusCoverage {
  documented: number;
  reached: number;
  exempt: number;
  /** `METHOD /template STATUS` documented, not exempt and never answered. */
  missing: string[];
}

/** Compares the run's status log with the specs. */
export function statusCoverage(logFile: string): StatusCoverage {
  const operations = documentedOperations();
  const answered = new Map<string, Set<string>>();
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  for (const line of log.split('\n')) {
    const [method, path, status] = line.split(' ');
    if (!method || !path || !status) continue;
    const operation = operations.find((op) => op.method === method && op.pattern.test(path));
    if (!operation) continue;
    const statuses = answered.get(operation.key) ?? new Set<string>();
    statuses.add(status);
    answered.set(operation.key, statuses);
  }
  let documented = 0;
  let reached = 0;
  let exempt = 0;
  const missing: string[] = [];
  for (const operation of operations) {
    for (const status of operation.statuses) {
      documented += 1;
      if (answered.get(operation.key)?.has(status)) reached += 1;
      else if (status in exemptStatuses) exempt += 1;
      else missing.push(`${operation.key} ${status}`);
    }
  }
  return { documented, reached, exempt, missing };
}
