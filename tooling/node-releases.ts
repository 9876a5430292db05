/**
 * Which Node.js lines still get security fixes, from the release schedule kept in
 * node-release-schedule.json (the one place to update when a line is added or retired).
 * Tests check every Node.js version the project names against it: .nvmrc, engines,
 * @types/node, the Dockerfile's base image, and the Node running the tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Schedule {
  endOfLife: Record<string, string>;
}

const schedule = JSON.parse(readFileSync(join(__dirname, 'node-release-schedule.json'), 'utf8')) as Schedule;

/** True when the LTS line `major` is in the schedule and not past its end of life on `day`. */
export function isSupportedNodeMajor(major: number, day = new Date()): boolean {
  const end = schedule.endOfLife[String(major)];
  return end !== undefined && day.toISOString().slice(0, 10) <= end;
}

/** The pinned Node.js version of this repository (.nvmrc), e.g. "24.22.3". */
export function pinnedNodeVersion(repoRoot: string): string {
  return readFileSync(join(repoRoot, '.nvmrc'), 'utf8').trim().replace(/^v/, '');
}
