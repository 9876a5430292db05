/**
 * k8s/ (plain manifests for `kubectl apply -k k8s/`) is the chart rendered with default
 * values; it must not be stale, and kustomize must build it into valid objects.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { initSecrets, staleFiles } from '../../../scripts/render-k8s';
import { ensureKubectl } from '../../../scripts/tools';
import {
  type K8sObject,
  find,
  ofKind,
  parseObjects,
  podSpecs,
  render,
  repoRoot,
  validateWithModels,
} from './helpers';

const run = promisify(execFile);

let built: K8sObject[];
let chartObjects: K8sObject[];
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'myhotel-k8s-'));
  await fs.cp(path.join(repoRoot, 'k8s'), tmp, { recursive: true });
  await fs.rm(path.join(tmp, 'secrets'), { recursive: true, force: true });
  await fs.cp(path.join(repoRoot, 'k8s', 'secrets'), path.join(tmp, 'secrets'), {
    recursive: true,
    filter: (src) => !/\.(env|pem)$/.test(src), // never use a developer's real secret inputs
  });
  await initSecrets(path.join(tmp, 'secrets'));
  const kubectl = await ensureKubectl();
  const { stdout } = await run(kubectl, ['kustomize', tmp], { maxBuffer: 64 * 1024 * 1024 });
  built = parseObjects(stdout);
  chartObjects = await render(undefined, ['--skip-tests', '--set', 'secrets.generate=false']);
}, 60_000);

afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

test('k8s/ and the chart copies of db/bootstrap are up to date (npx tsx scripts/render-k8s.ts)', async () => {
  expect(await staleFiles()).toEqual([]);
});

test('kubectl kustomize k8s/ builds the chart objects plus the namespace and generated Secrets', () => {
  const ids = (objs: K8sObject[]): string[] => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
  expect(ids(built)).toEqual(
    [...ids(chartObjects), 'Namespace/myhotel', 'Secret/myhotel-auth', 'Secret/myhotel-db'].sort(),
  );
  for (const o of built.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('myhotel');
});

test('k8s/ has no helm hooks or tests and no random values', async () => {
  const text = await fs.readFile(path.join(repoRoot, 'k8s', 'myhotel.yaml'), 'utf8');
  expect(text).not.toContain('helm.sh/hook');
  expect(ofKind(parseObjects(text), 'Secret')).toEqual([]);
});

test('the namespace enforces Pod Security "restricted"', () => {
  const ns = find(built, 'Namespace', 'myhotel');
  expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

test('generated Secrets have every key the workloads reference', () => {
  const secrets = new Map(
    ofKind(built, 'Secret').map((s) => [s.metadata.name as string, Object.keys(s.data)]),
  );
  for (const { where, spec } of podSpecs(built)) {
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref || ref.optional) continue;
        expect([where, ref.name, secrets.get(ref.name)?.includes(ref.key)]).toEqual([where, ref.name, true]);
      }
    }
  }
  const pem = Buffer.from(find(built, 'Secret', 'myhotel-auth').data['jwt-private-key'], 'base64').toString();
  expect(pem).toContain('BEGIN PRIVATE KEY');
});

test('every object of the kustomize build is schema-valid', async () => {
  // kustomize wraps long base64 values over several lines; the API server's decoder ignores
  // the line breaks, the schema's "byte" format does not.
  const normalised = built.map((o) =>
    o.kind === 'Secret'
      ? {
          ...o,
          data: Object.fromEntries(
            Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\s+/g, '')]),
          ),
        }
      : o,
  );
  expect(await validateWithModels(normalised)).toEqual([]);
});
