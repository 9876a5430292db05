/**
 * Summarises a V8 .cpuprofile (from BENCH_PROFILE=1): self time by package or source file,
 * and the hottest functions. Usage: tsx loadtest/bench/profile-summary.ts <file.cpuprofile>
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
};
const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);

function bucket(url: string): string {
  if (!url) return '(native/idle/gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(services\/[^/]+\/src\/[^?]+|scripts\/[^?]+|loadtest\/[^?]+)/.exec(url);
  return own ? own[1]! : url;
}

const byBucket = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const b = bucket(node.callFrame.url);
  byBucket.set(b, (byBucket.get(b) ?? 0) + hits);
  const f = `${node.callFrame.functionName || '(anonymous)'} ${b}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + hits);
}
const top = (map: Map<string, number>, n: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
console.log(`samples: ${total}, duration: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n`);
console.log(`by package / file:\n${top(byBucket, 25)}\n`);
console.log(`hottest functions:\n${top(byFunction, 25)}`);
