/**
 * One Node.js line everywhere, and a supported one: .nvmrc pins the exact release; engines,
 * @types/node and the Node running this test follow it (the Dockerfile's base is checked in
 * charts/myhotel/tests/packaging.test.ts). Supported means not past end of life in
 * tooling/node-release-schedule.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSupportedNodeMajor, pinnedNodeVersion } from '../tooling/node-releases';

const repoRoot = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const pinned = pinnedNodeVersion(repoRoot);
const pinnedMajor = Number(pinned.split('.')[0]);

test('.nvmrc pins an exact release of a supported Node.js line', () => {
  expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  expect(isSupportedNodeMajor(pinnedMajor)).toBe(true);
});

test('engines.node asks for that line (npm ci refuses other Node versions: engine-strict)', () => {
  const minimum = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node);
  expect(minimum).not.toBeNull();
  expect(Number(minimum![1])).toBe(pinnedMajor);
  expect(Number(minimum![2])).toBeLessThanOrEqual(Number(pinned.split('.')[1]));
  expect(readFileSync(join(repoRoot, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
});

test('@types/node describes that line', () => {
  expect(pkg.devDependencies['@types/node']?.split('.')[0]).toBe(String(pinnedMajor));
});

test('the Node.js running the tests is on that line', () => {
  expect(process.versions.node.split('.')[0]).toBe(String(pinnedMajor));
});
