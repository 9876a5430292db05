/** The documented-status check of test/global-teardown.ts, on synthetic logs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentedOperations, statusCoverage } from './support/status-coverage';

const dir = mkdtempSync(join(tmpdir(), 'myhotel-status-coverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function coverageOf(lines: string[]) {
  const file = join(dir, `${lines.length}-${Math.random()}.log`);
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
  return statusCoverage(file);
}

test('maps concrete paths to their operation and counts a documented status once', () => {
  const id = '00000000-0000-4000-8000-000000000000';
  const empty = coverageOf([]);
  const some = coverageOf([
    `GET /api/rooms/${id} 404`,
    `GET /api/rooms/${id} 404`,
    `POST /api/bookings/${id}/confirm 409`,
    'GET /nowhere 404',
    'GET /api/rooms 418',
  ]);
  expect(some.reached).toBe(2);
  expect(some.missing).not.toContain('GET /api/rooms/{id} 404');
  expect(some.missing).not.toContain('POST /api/bookings/{id}/confirm 409');
  expect(empty.missing).toContain('GET /api/rooms/{id} 404');
  expect(empty.missing).toContain('POST /api/bookings/{id}/confirm 409');
  expect(empty.missing.length).toBe(some.missing.length + 2);
});

test('500 is exempt everywhere; everything else documented is required', () => {
  const empty = coverageOf([]);
  const all = documentedOperations().flatMap((op) => op.statuses.map((s) => `${op.key} ${s}`));
  expect(empty.missing).toEqual(all.filter((line) => !line.endsWith(' 500')));
  expect(empty.exempt).toBe(all.filter((line) => line.endsWith(' 500')).length);
});
