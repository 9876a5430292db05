/** `npm run generate`: OpenAPI → TypeScript types. `--check` fails when committed files are stale. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const targets = [
  { spec: 'openapi/auth.yaml', out: 'services/auth/src/api/generated/openapi.ts' },
  { spec: 'openapi/hotel.yaml', out: 'services/hotel/src/api/generated/openapi.ts' },
  // The typed client's own copies: it is published on its own, without the services.
  { spec: 'openapi/auth.yaml', out: 'openapi/client/src/generated/auth.ts' },
  { spec: 'openapi/hotel.yaml', out: 'openapi/client/src/generated/hotel.ts' },
].filter((t) => existsSync(join(root, t.spec)) && existsSync(join(root, t.out, '..', '..', '..')));

const check = process.argv.includes('--check');
const scratch = mkdtempSync(join(tmpdir(), 'openapi-types-'));
let stale = 0;
for (const { spec, out } of targets) {
  const destination = check ? join(scratch, out.replace(/\//g, '_')) : join(root, out);
  execFileSync(
    join(root, 'node_modules', '.bin', 'openapi-typescript'),
    [spec, '-o', destination, '--alphabetize'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (check) {
    const committed = existsSync(join(root, out)) ? readFileSync(join(root, out), 'utf8') : '';
    if (committed !== readFileSync(destination, 'utf8')) {
      console.error(`${out} is stale: run npm run generate`);
      stale++;
    }
  } else {
    console.log(`${spec} → ${out}`);
  }
}
if (stale > 0) process.exit(1);
if (check) console.log(`generated types up to date (${targets.length} specs)`);
