/**
 * Stronger than schema validation: `kubectl apply --dry-run=server --warnings-as-errors` of
 * every variant against a real kube-apiserver (strict field decoding, defaulting, admission,
 * Pod Security "restricted" enforced on the namespaces). The apiserver and etcd are built from
 * the Go module proxy by `npx tsx scripts/tools.ts --apiserver` (opt-in, a few minutes once);
 * without them this file is skipped.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { initSecrets } from '../../../scripts/render-k8s';
import { freePort } from '../../../tooling/free-port';
import { gatewayApiCrds, serviceMonitorCrd } from '../../../scripts/lib/crds';
import { findGoBuild } from '../../../scripts/lib/go-build';
import { ensureKubectl, findApiServer } from '../../../scripts/tools';
import {
  type Values,
  chartDir,
  gatewayAndMonitoringValues,
  helm,
  loadtestChartDir,
  repoRoot,
  valuesArgs,
} from './helpers';

const run = promisify(execFile);
const bins = findApiServer();
// CI builds the binaries first and sets MYHOTEL_REQUIRE_APISERVER=1: there a missing build fails.
if (!bins && process.env.MYHOTEL_REQUIRE_APISERVER === '1') {
  throw new Error('kube-apiserver not built: run `npx tsx scripts/tools.ts --apiserver`');
}
const describeIfApiServer = bins ? describe : describe.skip;
if (!bins) {
  console.warn(
    'apiserver.test.ts skipped: run `npx tsx scripts/tools.ts --apiserver` to build kube-apiserver',
  );
}

describeIfApiServer('kubectl apply --dry-run=server against kube-apiserver', () => {
  const children: ChildProcess[] = [];
  let tmp: string;
  let kubectl: string;
  let kubeconfig: string;

  const k = async (args: string[], input?: string): Promise<{ code: number; out: string }> => {
    return new Promise((resolve) => {
      const child = execFile(
        kubectl,
        ['--kubeconfig', kubeconfig, ...args],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  };

  const createRestrictedNamespace = async (ns: string): Promise<void> => {
    const res = await k(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      }),
    );
    expect(res.out).toContain(`namespace/${ns}`);
  };

  /** Renders the chart with `values` into a fresh restricted namespace and applies it as a server dry run: accepted with no warnings. */
  const serverDryRun = async (ns: string, values: Parameters<typeof valuesArgs>[0]): Promise<string> => {
    await createRestrictedNamespace(ns);
    const rendered = await helm([
      'template',
      'myhotel',
      chartDir,
      '--namespace',
      ns,
      ...(await valuesArgs(values)),
    ]);
    expect(rendered.stderr).toBe('');
    const res = await k(['apply', '--dry-run=server', '--warnings-as-errors', '-f', '-'], rendered.stdout);
    expect(res.out).not.toMatch(/error|warning/i);
    expect(res.code).toBe(0);
    return res.out;
  };

  beforeAll(async () => {
    if (!bins) return;
    kubectl = await ensureKubectl();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'myhotel-apiserver-'));
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const log = await fs.open(path.join(tmp, 'server.log'), 'w');
    children.push(
      spawn(bins.etcd, [path.join(tmp, 'etcd'), String(etcdPort), String(peerPort)], {
        stdio: ['ignore', log.fd, log.fd],
      }),
    );
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await fs.writeFile(path.join(tmp, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await fs.writeFile(path.join(tmp, 'tokens.csv'), 'chart-test-token,admin,admin,system:masters\n');
    children.push(
      spawn(
        bins.kubeApiserver,
        [
          `--etcd-servers=http://127.0.0.1:${etcdPort}`,
          `--secure-port=${apiPort}`,
          '--bind-address=127.0.0.1',
          `--cert-dir=${path.join(tmp, 'certs')}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          `--service-account-key-file=${path.join(tmp, 'sa.key')}`,
          `--service-account-signing-key-file=${path.join(tmp, 'sa.key')}`,
          `--token-auth-file=${path.join(tmp, 'tokens.csv')}`,
          '--authorization-mode=RBAC',
          '--service-cluster-ip-range=10.96.0.0/12',
          // no controller-manager creates the "default" ServiceAccount the helm test pod uses
          '--disable-admission-plugins=ServiceAccount',
        ],
        { stdio: ['ignore', log.fd, log.fd] },
      ),
    );
    // The children hold their own copies of the descriptor.
    await log.close();
    kubeconfig = path.join(tmp, 'kubeconfig');
    await fs.writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 't',
            cluster: { server: `https://127.0.0.1:${apiPort}`, 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 't', user: { token: 'chart-test-token' } }],
        contexts: [{ name: 't', context: { cluster: 't', user: 't' } }],
        'current-context': 't',
      }),
    );
    const deadline = Date.now() + 45_000;
    for (;;) {
      const res = await k(['get', '--raw', '/readyz']);
      if (res.code === 0 && res.out.includes('ok')) break;
      if (Date.now() > deadline) {
        throw new Error(
          `kube-apiserver not ready: ${await fs.readFile(path.join(tmp, 'server.log'), 'utf8')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of children.reverse()) {
      c.kill('SIGKILL');
      await new Promise((r) =>
        c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('exit', r),
      );
    }
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  const variants: [string, Values | undefined][] = [
    ['default', undefined],
    [
      'external-db',
      {
        postgresql: { enabled: false },
        externalDatabase: {
          host: 'db.example.internal',
          existingSecret: 'db',
          bootstrap: { enabled: true, adminSecret: 'pg-admin' },
        },
      },
    ],
    ['ingress-tls', { ingress: { className: 'nginx', host: 'api.myhotel.example', tls: { enabled: true } } }],
    [
      'existing-secrets',
      { postgresql: { auth: { existingSecret: 'db' } }, auth: { existingSecret: 'auth' } },
    ],
  ];

  test.each(variants)(
    'chart (%s values) is accepted, with no warnings, in a restricted namespace',
    async (name, v) => {
      const out = await serverDryRun(`chart-${name}`, v);
      expect(out).toMatch(/deployment\.apps\/myhotel-auth created \(server dry run\)/);
    },
    30_000,
  );

  test('the load-test chart (every script) and the myhotel opt-in for it are accepted, with no warnings', async () => {
    const ns = 'chart-loadtest';
    await createRestrictedNamespace(ns);
    const main = await helm([
      'template',
      'myhotel',
      chartDir,
      '--namespace',
      ns,
      '--set',
      'networkPolicy.loadTestClients.enabled=true',
    ]);
    expect(main.stderr).toBe('');
    const docs = [main.stdout];
    for (const script of ['smoke', 'load', 'stress', 'spike', 'soak', 'booking-race']) {
      const lt = await helm([
        'template',
        `lt-${script}`,
        loadtestChartDir,
        '--namespace',
        ns,
        '--set',
        `script=${script}`,
      ]);
      expect(lt.stderr).toBe('');
      docs.push(lt.stdout);
    }
    const res = await k(
      ['apply', '--dry-run=server', '--warnings-as-errors', '-f', '-'],
      docs.join('\n---\n'),
    );
    expect(res.out).not.toMatch(/error|warning/i);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/job\.batch\/lt-smoke-loadtest created \(server dry run\)/);
    expect(res.out).toMatch(/configmap\/lt-booking-race-loadtest-scripts created \(server dry run\)/);
    expect(res.out).toMatch(
      /networkpolicy\.networking\.k8s\.io\/lt-soak-loadtest created \(server dry run\)/,
    );
  }, 60_000);

  test('the HTTPRoute and the ServiceMonitor are accepted by their CRDs (Gateway API, Prometheus Operator)', async () => {
    const crdDirs = [findGoBuild(gatewayApiCrds), findGoBuild(serviceMonitorCrd)];
    if (crdDirs.some((d) => !d)) {
      if (process.env.MYHOTEL_REQUIRE_APISERVER === '1')
        throw new Error('CRDs not fetched: npx tsx scripts/tools.ts --kubernetes');
      console.warn(
        'CRDs not fetched (npx tsx scripts/tools.ts --kubernetes): HTTPRoute/ServiceMonitor dry run skipped',
      );
      return;
    }
    const crds: string[] = [];
    for (const dir of crdDirs as string[]) {
      for (const f of await fs.readdir(dir)) crds.push(await fs.readFile(path.join(dir, f), 'utf8'));
    }
    const applied = await k(['apply', '--server-side', '-f', '-'], crds.join('\n---\n'));
    expect(applied.code).toBe(0);
    expect((await k(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=30s'])).code).toBe(0);
    const out = await serverDryRun('chart-gateway', gatewayAndMonitoringValues);
    expect(out).toMatch(/httproute\.gateway\.networking\.k8s\.io\/myhotel created \(server dry run\)/);
    expect(out).toMatch(/servicemonitor\.monitoring\.coreos\.com\/myhotel created \(server dry run\)/);
  }, 60_000);

  test('a container that breaks Pod Security "restricted" is caught', async () => {
    await createRestrictedNamespace('chart-negative');
    const rendered = await helm([
      'template',
      'myhotel',
      chartDir,
      '--namespace',
      'chart-negative',
      '--show-only',
      'templates/tests/test-readyz.yaml',
    ]);
    const broken = rendered.stdout.replace(
      'allowPrivilegeEscalation: false',
      'allowPrivilegeEscalation: true',
    );
    const res = await k(['apply', '--dry-run=server', '-f', '-'], broken);
    expect(res.code).not.toBe(0);
    expect(res.out).toMatch(/violates PodSecurity "restricted/);
  });

  test('kubectl apply -k k8s/ is accepted', async () => {
    const dir = path.join(tmp, 'k8s');
    await fs.cp(path.join(repoRoot, 'k8s'), dir, {
      recursive: true,
      filter: (src) => !/secrets\/[^/]+\.(env|pem)$/.test(src),
    });
    await initSecrets(path.join(dir, 'secrets'));
    const built = await run(kubectl, ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
    // the Namespace must exist for a dry run of the objects inside it
    const nsDoc = built.stdout.split(/^---$/m).find((d) => /^kind: Namespace$/m.test(d));
    expect(nsDoc).toBeDefined();
    expect((await k(['apply', '-f', '-'], nsDoc)).code).toBe(0);
    const res = await k(['apply', '--dry-run=server', '--warnings-as-errors', '-k', dir]);
    expect(res.out).not.toMatch(/error|warning/i);
    expect(res.code).toBe(0);
  }, 30_000);
});
