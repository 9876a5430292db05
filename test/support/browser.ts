/**
 * Debian's Chromium, headless, for what only a browser proves (a page renders, a preflight
 * happens). `.ci/run` installs it and sets MYHOTEL_REQUIRE_BROWSER=1, so CI fails without it;
 * elsewhere (a laptop without Chromium) the browser tests are skipped with a message.
 * Flags: no sandbox (root), and no background networking (this machine has no network).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const chromiumPath = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => !!path && existsSync(path),
);

if (!chromiumPath && process.env.MYHOTEL_REQUIRE_BROWSER === '1') {
  throw new Error('Chromium is required here (MYHOTEL_REQUIRE_BROWSER=1): apt-get install chromium');
}

/** `describe` when Chromium is here, else `describe.skip` with a message saying why. */
export function describeWithBrowser(name: string, body: () => void): void {
  if (chromiumPath) return describe(name, body);
  console.warn(`${name}: skipped, no Chromium (apt-get install chromium, or set CHROMIUM)`);
  describe.skip(name, body);
}

async function chromium(args: string[], url: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'myhotel-chromium-'));
  try {
    const { stdout } = await run(
      chromiumPath!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        // Lets the page's scripts and fetches settle before the DOM or the picture is taken.
        '--virtual-time-budget=20000',
        ...args,
        url,
      ],
      { timeout: 90_000, maxBuffer: 64 << 20 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after its scripts ran. */
export const renderedDom = (url: string): Promise<string> => chromium(['--dump-dom'], url);

/** A PNG screenshot of the page (window `width` × `height`). */
export async function screenshot(url: string, file: string, width = 1280, height = 1600): Promise<void> {
  await chromium([`--screenshot=${file}`, `--window-size=${width},${height}`, '--hide-scrollbars'], url);
}
