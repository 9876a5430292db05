/**
 * Packaging: the Dockerfile (parsed, there is no container engine in CI), .dockerignore, and
 * the chart's copies of db/bootstrap.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSupportedNodeMajor, pinnedNodeVersion } from '../../../tooling/node-releases';
import { repoRoot } from './helpers';

interface Instruction {
  cmd: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  body: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\r?\n/g, ' ') // line continuations
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) throw new Error(`cannot parse Dockerfile line: ${line}`);
    const cmd = m[1].toUpperCase();
    const rest = m[2];
    if (cmd === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f?.[1]) throw new Error(`bad FROM: ${line}`);
      stages.push({ from: f[1], name: f[2], body: [] });
    } else if (stages.length === 0 && cmd === 'ARG') {
      const [k, v] = rest.split('=', 2);
      if (k) args.set(k, v ?? '');
    } else {
      stages.at(-1)?.body.push({ cmd, args: rest });
    }
  }
  return { args, stages };
}

let docker: ReturnType<typeof parseDockerfile>;
let final: Stage;

beforeAll(async () => {
  docker = parseDockerfile(await fs.readFile(path.join(repoRoot, 'Dockerfile'), 'utf8'));
  const last = docker.stages.at(-1);
  if (!last) throw new Error('Dockerfile has no stage');
  final = last;
});

/** The image a FROM names, with global ARG defaults substituted (they may refer to each other). */
const resolveImage = (from: string): string => {
  let image = from;
  for (let depth = 0; depth < 5 && image.includes('$'); depth++) {
    image = image.replace(/\$\{?(\w+)\}?/g, (_, name: string) => docker.args.get(name) ?? `<unset ${name}>`);
  }
  return image;
};

describe('Dockerfile', () => {
  test('is multi-stage and parametrised by SERVICE', async () => {
    expect(docker.stages.length).toBeGreaterThanOrEqual(2);
    const text = await fs.readFile(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^ARG SERVICE=(auth|hotel)$/m);
  });

  test('every external base image is the pinned Node.js (.nvmrc), a supported line, slim, exact version', () => {
    const stageNames = new Set(docker.stages.map((s) => s.name));
    const pinned = pinnedNodeVersion(repoRoot);
    for (const s of docker.stages) {
      if (stageNames.has(s.from)) continue;
      const image = resolveImage(s.from);
      const m = /^node:((\d+)\.\d+\.\d+)-(bookworm|trixie)-slim(@sha256:[a-f0-9]{64})?$/.exec(image);
      expect(m).not.toBeNull();
      expect(m![1]).toBe(pinned);
      expect(isSupportedNodeMajor(Number(m![2]))).toBe(true);
    }
  });

  test('installs with npm ci, builds, then prunes to production dependencies (--omit=dev)', () => {
    const runs = docker.stages.flatMap((s) => s.body.filter((i) => i.cmd === 'RUN').map((i) => i.args));
    expect(runs.some((r) => /npm ci(?!.*--omit=dev)/.test(r))).toBe(true);
    expect(runs.some((r) => /npm run build/.test(r))).toBe(true);
    expect(runs.some((r) => /npm ci .*--omit=dev.*--workspace/.test(r))).toBe(true);
  });

  test('final stage: numeric non-root USER, node as PID 1 in exec form, no npm', () => {
    const users = final.body.filter((i) => i.cmd === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);

    const cmds = final.body.filter((i) => i.cmd === 'CMD' || i.cmd === 'ENTRYPOINT');
    expect(cmds.map((c) => c.cmd)).toEqual(['CMD']);
    const cmd = JSON.parse(cmds[0]?.args ?? '') as string[]; // exec form is a JSON array
    expect(cmd[0]).toBe('node');
    expect(cmd[1]).toMatch(/main\.js$/);

    // nothing is installed or built in the final stage, and nothing runs through npm
    for (const i of final.body.filter((x) => x.cmd === 'RUN')) {
      expect(i.args).not.toMatch(
        /(?<![\w/.-])(npm\s+(ci|install|i|run|exec)\b|npx\s|yarn\s|apt-get\s+install)/,
      );
    }
    // the final image copies built artefacts from an earlier stage, not the build context
    for (const i of final.body.filter((x) => x.cmd === 'COPY' || x.cmd === 'ADD')) {
      expect(i.args).toMatch(/--from=/);
    }
    expect(final.body.some((i) => i.cmd === 'ENV' && /NODE_ENV=production/.test(i.args))).toBe(true);
  });

  test('no secrets are baked in', async () => {
    const text = await fs.readFile(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(text).not.toMatch(/(PASSWORD|PRIVATE_KEY|SECRET|TOKEN)\s*=/i);
  });
});

describe('entry points the image links into /app/bin', () => {
  test.each([
    ['auth', ['main', 'cli/migrate', 'cli/create-admin']],
    ['hotel', ['main', 'cli/migrate']],
  ])('%s has their sources', async (svc, entries) => {
    for (const e of entries) {
      await expect(
        fs.access(path.join(repoRoot, 'services', svc, 'src', `${e}.ts`)),
      ).resolves.toBeUndefined();
    }
    const dockerfile = await fs.readFile(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('for f in main cli/migrate cli/create-admin');
  });
});

describe('.dockerignore', () => {
  test('keeps local data, dependencies, VCS and build output out of the context', async () => {
    const patterns = (await fs.readFile(path.join(repoRoot, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['.data', '.git']) expect(patterns).toContain(p);
    expect(patterns.some((p) => p === 'node_modules' || p === '**/node_modules')).toBe(true);
    expect(patterns.some((p) => p === 'dist' || p === '**/dist')).toBe(true);
  });
});

describe('chart copies of db/bootstrap', () => {
  test('charts/myhotel/files/bootstrap/*.sql are byte-identical to db/bootstrap/*.sql', async () => {
    const src = path.join(repoRoot, 'db', 'bootstrap');
    const copy = path.join(repoRoot, 'charts', 'myhotel', 'files', 'bootstrap');
    const names = (await fs.readdir(src)).filter((f) => f.endsWith('.sql')).sort();
    expect(names).toEqual(expect.arrayContaining(['01-roles.sql', '02-database.sql']));
    expect((await fs.readdir(copy)).sort()).toEqual(names);
    for (const f of names) {
      const [a, b] = await Promise.all([fs.readFile(path.join(src, f)), fs.readFile(path.join(copy, f))]);
      expect([f, a.equals(b)]).toEqual([f, true]);
    }
  });
});
