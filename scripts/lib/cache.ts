import os from 'node:os';
import path from 'node:path';

/**
 * Root of the build caches that must outlive `npm ci` (which wipes node_modules/.cache) and a
 * fresh clone on the same machine: ${MYHOTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/myhotel}, the
 * same root scripts/use-node.sh keeps the pinned Node.js in.
 */
function cacheRoot(): string {
  if (process.env.MYHOTEL_CACHE) return process.env.MYHOTEL_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'myhotel');
}

/** A folder under the cache root. */
export function cacheDir(...parts: string[]): string {
  return path.join(cacheRoot(), ...parts);
}
