import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Finds `openapi/<file>` walking up from `fromDir` (works from src/ under tsx and from dist/ in images). */
export function findApiSpec(file: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'openapi', file);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`OpenAPI spec openapi/${file} not found above ${fromDir}`);
  }
}
