import { readFileSync } from 'node:fs';

/** The README's "Try it" shell block (the one after the `try-it` marker), to execute as written. */
export function readmeTryIt(readmePath: string): string {
  const readme = readFileSync(readmePath, 'utf8');
  const block = /<!-- try-it:[^>]*-->\s*```bash\n([\s\S]*?)```/.exec(readme);
  if (!block?.[1]) throw new Error(`${readmePath} has no "try-it" bash block`);
  return block[1];
}
