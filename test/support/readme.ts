import { readFileSync } from 'node:fs';

/** The README code block after the `<!-- <marker>: … -->` comment, to execute as written. */
export function markedBlock(readmePath: string, marker: string, language: string): string {
  const readme = readFileSync(readmePath, 'utf8');
  const block = new RegExp(`<!-- ${marker}:[^>]*-->\\s*\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!block?.[1]) throw new Error(`${readmePath} has no "${marker}" ${language} block`);
  return block[1];
}

/** The README's "Try it" shell block. */
export const readmeTryIt = (readmePath: string): string => markedBlock(readmePath, 'try-it', 'bash');

/** The README's "Try it" TypeScript block (the typed client). */
export const readmeTryItClient = (readmePath: string): string =>
  markedBlock(readmePath, 'try-it-client', 'ts');
