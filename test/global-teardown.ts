import { dirname } from 'node:path';
import { rmSync } from 'node:fs';
import type { EmbeddedPostgres } from '../tooling/embedded-postgres';
import { exemptStatuses, statusCoverage } from './support/status-coverage';

/** The parts of jest's global config that narrow a run. */
interface RunSelection {
  testPathPatterns: { isSet(): boolean };
  testNamePattern?: string;
  onlyChanged: boolean;
  onlyFailures: boolean;
  findRelatedTests: boolean;
  shard?: unknown;
}

/** A run of every test file and test: only then must every documented status be reached. */
function isFullRun(config: RunSelection): boolean {
  return !(
    config.testPathPatterns.isSet() ||
    config.testNamePattern ||
    config.onlyChanged ||
    config.onlyFailures ||
    config.findRelatedTests ||
    config.shard
  );
}

export default async function globalTeardown(config: RunSelection): Promise<void> {
  await (globalThis as { __myhotelPostgres?: EmbeddedPostgres }).__myhotelPostgres?.stop();
  const log = process.env.MYHOTEL_STATUS_LOG;
  if (!log) return;
  try {
    if (!isFullRun(config)) return;
    const coverage = statusCoverage(log);
    process.stdout.write(
      `\nDocumented statuses: ${coverage.reached} of ${coverage.documented} reached by the tests, ` +
        `${coverage.exempt} exempt (${Object.entries(exemptStatuses)
          .map(([status, why]) => `${status}: ${why}`)
          .join('; ')}).\n`,
    );
    if (coverage.missing.length > 0) {
      throw new Error(
        `Documented statuses no test reaches (reach them in a test or remove them from the spec):\n` +
          coverage.missing.map((line) => `  ${line}`).join('\n'),
      );
    }
  } finally {
    rmSync(dirname(log), { recursive: true, force: true });
  }
}
