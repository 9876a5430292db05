/**
 * charts/myhotel-loadtest: a k6 script as a Kubernetes Job. helm lint --strict, a render of every
 * script, Kubernetes schema validation, Pod Security "restricted", labels, the scripts ConfigMap
 * against loadtest/, the target URLs and credentials, values.schema.json, NOTES.txt, and the
 * NetworkPolicies on both sides (this chart's egress, the myhotel chart's opt-in ingress rule).
 * Helpers (helm from the npm package, kubernetes-models, the NetworkPolicy evaluator) are the
 * myhotel chart's.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadtestCopies, loadtestScriptsCopyDir } from '../../../scripts/render-k8s';
import { inspectThroughShim } from '../../../test/support/k6-shim';
import {
  type Endpoint,
  type K8sObject,
  type Values,
  NAMESPACE,
  RELEASE,
  find,
  flowAllowed,
  helm,
  lintChart,
  loadtestChartDir,
  ofKind,
  podSpecs,
  render,
  renderChart,
  repoRoot,
  validateWithModels,
  valuesArgs,
} from '../../myhotel/tests/helpers';

const LT_RELEASE = 'myhotel-loadtest';
const SCRIPTS = ['smoke', 'load', 'stress', 'spike', 'soak', 'booking-race'];

const variants: Record<string, Values | undefined> = {
  default: undefined,
  ...Object.fromEntries(SCRIPTS.map((s) => [`script=${s}`, { script: s }])),
  ingress: {
    script: 'load',
    target: { baseUrl: 'https://api.myhotel.example/' },
    networkPolicy: {
      extraEgress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
      ],
    },
  },
  custom: {
    script: 'booking-race',
    target: { release: 'prod', authUrl: 'http://auth.internal:8080' },
    credentials: { adminEmail: 'ops@hotel.example', existingSecret: 'lt-admin', adminPasswordKey: 'pw' },
    extraEnv: { RACE_VUS: 20, SOAK_DURATION: '30m' },
    extraEnvVars: [{ name: 'GUEST_PASSWORD', valueFrom: { secretKeyRef: { name: 'lt-guests', key: 'pw' } } }],
    k6: { extraArgs: ['--summary-mode=full'] },
    image: { digest: `sha256:${'a'.repeat(64)}` },
    job: { ttlSecondsAfterFinished: null, activeDeadlineSeconds: null },
    resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { memory: '4Gi' } },
    networkPolicy: { enabled: false },
    podLabels: { team: 'perf' },
    commonLabels: { env: 'staging' },
  },
};

const rendered: Record<string, K8sObject[]> = {};
const get = (variant: string): K8sObject[] => {
  const objs = rendered[variant];
  if (!objs) throw new Error(`variant ${variant} not rendered`);
  return objs;
};
const all = (): [string, K8sObject[]][] => Object.entries(rendered);
const jobOf = (objs: K8sObject[]): K8sObject => {
  const jobs = ofKind(objs, 'Job');
  expect(jobs).toHaveLength(1);
  return jobs[0] as K8sObject;
};
const containerOf = (objs: K8sObject[]) => jobOf(objs).spec.template.spec.containers[0];
const envOf = (objs: K8sObject[]): Record<string, unknown> =>
  Object.fromEntries(
    (containerOf(objs).env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );

beforeAll(async () => {
  await Promise.all(
    Object.entries(variants).map(async ([name, v]) => {
      rendered[name] = await renderChart(loadtestChartDir, LT_RELEASE, v);
    }),
  );
}, 60_000);

describe('helm lint --strict', () => {
  test.each(Object.keys(variants))('%s values pass', async (name) => {
    const res = await lintChart(loadtestChartDir, variants[name]);
    expect(`${res.stdout}${res.stderr}`).toContain('0 chart(s) failed');
    expect(res.code).toBe(0);
  });
});

describe('every rendered object', () => {
  test('is valid against the Kubernetes OpenAPI schemas (kubernetes-models)', async () => {
    const objects = all().flatMap(([, objs]) => objs);
    expect(objects.length).toBeGreaterThan(20);
    expect(await validateWithModels(objects)).toEqual([]);
  });

  test('carries the standard labels (part-of myhotel, component loadtest) and a namespace', () => {
    for (const [variant, objs] of all()) {
      expect(objs.map((o) => o.kind).sort()).toEqual(
        variant === 'custom' ? ['ConfigMap', 'Job'] : ['ConfigMap', 'Job', 'NetworkPolicy'],
      );
      for (const o of objs) {
        const where = `${variant}: ${o.kind}/${o.metadata.name}`;
        expect([where, o.metadata.labels]).toEqual([
          where,
          expect.objectContaining({
            'helm.sh/chart': 'myhotel-loadtest-0.1.0',
            'app.kubernetes.io/name': 'myhotel-loadtest',
            'app.kubernetes.io/instance': LT_RELEASE,
            'app.kubernetes.io/component': 'loadtest',
            'app.kubernetes.io/version': '0.1.0',
            'app.kubernetes.io/part-of': 'myhotel',
            'app.kubernetes.io/managed-by': 'Helm',
          }),
        ]);
        expect([where, o.metadata.namespace]).toEqual([where, NAMESPACE]);
      }
    }
    const custom = jobOf(get('custom'));
    expect(custom.metadata.labels.env).toBe('staging');
    expect(custom.spec.template.metadata.labels).toMatchObject({ team: 'perf', env: 'staging' });
  });

  test('the pods carry the labels the myhotel chart admits (part-of myhotel, component loadtest)', () => {
    for (const [variant, objs] of all()) {
      const labels = jobOf(objs).spec.template.metadata.labels;
      expect([variant, labels]).toEqual([
        variant,
        expect.objectContaining({
          'app.kubernetes.io/part-of': 'myhotel',
          'app.kubernetes.io/component': 'loadtest',
        }),
      ]);
    }
  });
});

describe('pod security (Pod Security Standard "restricted")', () => {
  test('the k6 pod is restricted: non-root, read-only root fs with /tmp, no capabilities, seccomp', () => {
    for (const [variant, objs] of all()) {
      const specs = podSpecs(objs);
      expect(specs).toHaveLength(1);
      for (const { where, spec } of specs) {
        const at = `${variant}: ${where}`;
        const psc = spec.securityContext ?? {};
        expect([at, psc.runAsNonRoot, psc.seccompProfile?.type]).toEqual([at, true, 'RuntimeDefault']);
        expect([at, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([
          at,
          false,
          false,
          false,
        ]);
        expect([at, spec.automountServiceAccountToken, spec.restartPolicy]).toEqual([at, false, 'Never']);
        for (const v of spec.volumes ?? []) expect([at, v.hostPath]).toEqual([at, undefined]);
        expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
        expect(spec.initContainers).toBeUndefined();
        for (const c of spec.containers) {
          const csc = c.securityContext ?? {};
          const cat = `${at} container ${c.name}`;
          expect([cat, csc.allowPrivilegeEscalation, csc.privileged ?? false]).toEqual([cat, false, false]);
          expect([cat, csc.capabilities?.drop, csc.capabilities?.add ?? []]).toEqual([cat, ['ALL'], []]);
          expect([cat, csc.readOnlyRootFilesystem]).toEqual([cat, true]);
          expect([cat, csc.runAsNonRoot]).toEqual([cat, true]);
          expect([cat, csc.runAsUser > 0, psc.runAsUser > 0]).toEqual([cat, true, true]);
          expect([cat, csc.seccompProfile?.type]).toEqual([cat, 'RuntimeDefault']);
          expect([cat, c.resources?.requests?.memory, c.resources?.limits?.memory]).toEqual([
            cat,
            expect.any(String),
            expect.any(String),
          ]);
          const mounts = Object.fromEntries(
            (c.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).map((m) => [
              m.mountPath,
              [m.name, m.readOnly ?? false],
            ]),
          );
          expect(mounts).toEqual({ '/tmp': ['tmp', false], '/scripts': ['scripts', true] });
        }
      }
    }
  });
});

describe('the Job', () => {
  test.each(SCRIPTS)('script=%s: k6 runs /scripts/<script>.ts, which the volume provides', (script) => {
    const objs = get(`script=${script}`);
    const job = jobOf(objs);
    const c = containerOf(objs);
    expect(job.metadata.name).toBe(LT_RELEASE);
    expect(c.command).toEqual(['k6']);
    expect(c.args).toEqual(['run', '--no-color', `/scripts/${script}.ts`]);
    expect(job.metadata.annotations['myhotel.example/script']).toBe(`${script}.ts`);
    const items = (
      job.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'scripts').configMap.items as {
        key: string;
        path: string;
      }[]
    ).map((i) => i.path);
    expect(items).toContain(`${script}.ts`);
    expect(items).toContain('lib/common.ts');
  });

  test('the default memory limit fits every script: 5 MiB per VU (k6 inspect, through the shim) + 1 GiB', () => {
    const mebibytes = (quantity: string) => {
      const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(quantity) ?? [];
      return Number(amount) * (unit === 'Gi' ? 1024 : 1);
    };
    const limit = mebibytes(containerOf(get('default')).resources.limits.memory as string);
    for (const script of SCRIPTS) {
      const { maxVUs } = inspectThroughShim(`loadtest/${script}.ts`, { RACE_VUS: '200' });
      expect([script, maxVUs, limit >= maxVUs * 5 + 1024]).toEqual([script, maxVUs, true]);
    }
  });

  test('no retries, cleaned up after a day, bounded run time, logs as the termination message', () => {
    const job = jobOf(get('default'));
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(2 * 3600 + 10 * 60); // default soak
    expect(job.spec.template.spec.containers[0].terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(job.spec.template.spec.enableServiceLinks).toBe(false);
    const custom = jobOf(get('custom'));
    expect(custom.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(custom.spec.activeDeadlineSeconds).toBeUndefined();
  });

  test('image: grafana/k6 pinned to an exact version >= 0.57 (native TypeScript), or a digest', () => {
    const image = containerOf(get('default')).image as string;
    const m = /^docker\.io\/grafana\/k6:(\d+)\.(\d+)\.(\d+)$/.exec(image);
    expect(m).not.toBeNull();
    const [major, minor] = [Number(m?.[1]), Number(m?.[2])];
    expect(major > 0 || minor >= 57).toBe(true);
    expect(containerOf(get('custom')).image).toBe(`docker.io/grafana/k6@sha256:${'a'.repeat(64)}`);
  });

  test('default target: the in-cluster Services of release "myhotel", admin password from its Secret', () => {
    expect(envOf(get('default'))).toEqual({
      K6_NO_USAGE_REPORT: 'true',
      K6_AUTO_EXTENSION_RESOLUTION: 'false',
      BASE_URL: `http://${RELEASE}-hotel`,
      AUTH_URL: `http://${RELEASE}-auth`,
      ADMIN_EMAIL: 'admin@myhotel.example',
      ADMIN_PASSWORD: { secretKeyRef: { name: `${RELEASE}-auth`, key: 'admin-password' } },
    });
  });

  test('BASE_URL may point at the ingress: AUTH_URL follows it (the ingress routes every path)', () => {
    const env = envOf(get('ingress'));
    expect(env.BASE_URL).toBe('https://api.myhotel.example');
    expect(env.AUTH_URL).toBe('https://api.myhotel.example');
  });

  test('another release, explicit AUTH_URL, own Secret, extra env and k6 arguments', () => {
    const env = envOf(get('custom'));
    // the myhotel chart names a release without "myhotel" in it <release>-myhotel-<svc>
    expect(env.BASE_URL).toBe('http://prod-myhotel-hotel');
    expect(env.AUTH_URL).toBe('http://auth.internal:8080');
    expect(env.ADMIN_EMAIL).toBe('ops@hotel.example');
    expect(env.ADMIN_PASSWORD).toEqual({ secretKeyRef: { name: 'lt-admin', key: 'pw' } });
    expect(env.RACE_VUS).toBe('20');
    expect(env.SOAK_DURATION).toBe('30m');
    expect(env.GUEST_PASSWORD).toEqual({ secretKeyRef: { name: 'lt-guests', key: 'pw' } });
    expect(containerOf(get('custom')).args).toEqual([
      'run',
      '--no-color',
      '--summary-mode=full',
      '/scripts/booking-race.ts',
    ]);
  });

  test('the target URLs match the Services the myhotel chart renders for that release', async () => {
    for (const release of ['myhotel', 'prod']) {
      const services = ofKind(await renderChart(path.join(repoRoot, 'charts', 'myhotel'), release), 'Service')
        .map((s) => s.metadata.name as string)
        .filter((n) => /-(auth|hotel)$/.test(n));
      const env = envOf(await renderChart(loadtestChartDir, LT_RELEASE, { target: { release } }));
      expect(services.sort()).toEqual(
        [env.BASE_URL, env.AUTH_URL].map((u) => String(u).replace('http://', '')).sort(),
      );
    }
  });

  test('Job names: <release> when it says "loadtest", else <release>-loadtest; at most 52 characters', async () => {
    const name = async (release: string): Promise<string> =>
      jobOf(await renderChart(loadtestChartDir, release)).metadata.name;
    expect(await name('nightly-loadtest')).toBe('nightly-loadtest');
    expect(await name('smoke')).toBe('smoke-loadtest');
    const objs = await renderChart(loadtestChartDir, 'a'.repeat(53));
    for (const o of objs) expect([o.kind, o.metadata.name.length <= 63]).toEqual([o.kind, true]);
    expect(jobOf(objs).metadata.name.length).toBeLessThanOrEqual(52);
  });
});

describe('the scripts ConfigMap', () => {
  test('holds exactly the synced copies of loadtest/*.ts and lib/common.ts, byte for byte', async () => {
    const copies = await loadtestCopies();
    const rels = [...copies.keys()].map((k) => path.relative(loadtestScriptsCopyDir, k)).sort();
    expect(rels).toEqual([...SCRIPTS.map((s) => `${s}.ts`), 'lib/common.ts'].sort());
    const cm = find(get('default'), 'ConfigMap', `${LT_RELEASE}-scripts`);
    const job = jobOf(get('default'));
    const items = job.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'scripts')
      .configMap as { name: string; items: { key: string; path: string }[] };
    expect(items.name).toBe(cm.metadata.name);
    // ConfigMap keys cannot contain "/": every key is mounted back at its path under /scripts
    expect(Object.keys(cm.data).sort()).toEqual(items.items.map((i) => i.key).sort());
    expect(items.items.map((i) => i.path).sort()).toEqual(rels);
    expect(items.items.find((i) => i.path === 'lib/common.ts')?.key).toBe('lib_common.ts');
    for (const { key, path: rel } of items.items) {
      const source = await fs.readFile(path.join(repoRoot, 'loadtest', rel), 'utf8');
      expect([key, cm.data[key] === source]).toEqual([key, true]);
    }
  });

  test('charts/myhotel-loadtest/files/scripts/ are byte-identical to loadtest/ (npx tsx scripts/render-k8s.ts)', async () => {
    const copyRoot = path.join(repoRoot, loadtestScriptsCopyDir);
    const present = (await fs.readdir(copyRoot, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(copyRoot, path.join(e.parentPath, e.name)))
      .sort();
    const expected = [...(await loadtestCopies()).keys()]
      .map((k) => path.relative(loadtestScriptsCopyDir, k))
      .sort();
    expect(present).toEqual(expected);
    for (const rel of expected) {
      const [a, b] = await Promise.all([
        fs.readFile(path.join(repoRoot, 'loadtest', rel)),
        fs.readFile(path.join(copyRoot, rel)),
      ]);
      expect([rel, a.equals(b)]).toEqual([rel, true]);
    }
  });

  test('values.schema.json allows exactly the scripts there are', async () => {
    const schema = JSON.parse(await fs.readFile(path.join(loadtestChartDir, 'values.schema.json'), 'utf8'));
    const scripts = (await fs.readdir(path.join(repoRoot, 'loadtest')))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect([...schema.properties.script.enum].sort()).toEqual(scripts.sort());
    expect([...SCRIPTS].sort()).toEqual(scripts.sort());
  });

  test('AUTH_URL routing in lib/common.ts sends exactly the auth routes of the route table to auth', async () => {
    const source = await fs.readFile(path.join(repoRoot, 'loadtest', 'lib', 'common.ts'), 'utf8');
    const literal = /const authPaths =\s*\/(.+)\/;/.exec(source)?.[1];
    expect(literal).toBeDefined();
    const authPaths = new RegExp(literal as string);
    const { routes } = parse(
      await fs.readFile(path.join(repoRoot, 'charts', 'myhotel', 'values.yaml'), 'utf8'),
    ) as { routes: { path: string; pathType: string; service: string }[] };
    for (const r of routes) {
      const samples = [r.path, `${r.path}?limit=1`];
      if (r.pathType === 'Prefix') samples.push(`${r.path}/x/y`);
      for (const p of samples) expect([p, authPaths.test(p)]).toEqual([p, r.service === 'auth']);
    }
    // what the scripts call
    for (const p of ['/api/auth/login', '/api/auth/refresh', '/api/auth/register']) {
      expect([p, authPaths.test(p)]).toEqual([p, true]);
    }
    for (const p of ['/api/authors', '/api/usersettings', '/api/rooms?limit=100', '/api/bookings/1/cancel']) {
      expect([p, authPaths.test(p)]).toEqual([p, false]);
    }
  });
});

describe('values.schema.json', () => {
  const bad: [string, Values][] = [
    ['a bad script name', { script: 'nope' }],
    ['a script path', { script: 'lib/common' }],
    ['an unknown top-level key', { scripts: 'smoke' }],
    ['an unknown nested key', { target: { release: 'myhotel', namespace: 'other' } }],
    ['an unknown job key', { job: { backoffLimit: 0, retries: 3 } }],
    ['an image tagged latest', { image: { tag: 'latest' } }],
    ['a URL without scheme', { target: { baseUrl: 'myhotel-hotel' } }],
    ['extraEnv overriding BASE_URL', { extraEnv: { BASE_URL: 'http://x' } }],
    ['extraEnvVars overriding ADMIN_PASSWORD', { extraEnvVars: [{ name: 'ADMIN_PASSWORD', value: 'x' }] }],
    ['podLabels overriding the component', { podLabels: { 'app.kubernetes.io/component': 'x' } }],
    ['an empty target release', { target: { release: '' } }],
  ];

  test.each(bad)('rejects %s in helm template and helm lint', async (_name, v) => {
    const tpl = await helm(['template', LT_RELEASE, loadtestChartDir, ...(await valuesArgs(v))]);
    expect(tpl.code).not.toBe(0);
    expect(tpl.stderr).toMatch(/schema|required/i);
    expect((await lintChart(loadtestChartDir, v)).code).not.toBe(0);
  });

  test('is a draft-07 schema closed at the top level that describes every value', async () => {
    const schema = JSON.parse(await fs.readFile(path.join(loadtestChartDir, 'values.schema.json'), 'utf8'));
    expect(schema.$schema).toMatch(/draft-07/);
    expect(schema.additionalProperties).toBe(false);
    const values = parse(await fs.readFile(path.join(loadtestChartDir, 'values.yaml'), 'utf8')) as Values;
    expect(Object.keys(values).filter((k) => !(k in schema.properties))).toEqual([]);
  });
});

describe('NOTES.txt', () => {
  test('tells how to follow the log, read the result and clean up', async () => {
    const res = await helm([
      'install',
      LT_RELEASE,
      loadtestChartDir,
      '--dry-run=client',
      '--namespace',
      NAMESPACE,
    ]);
    expect(res.code).toBe(0);
    const notes = res.stdout.slice(res.stdout.indexOf('NOTES:'));
    expect(notes).toContain(`kubectl -n ${NAMESPACE} logs -f job/${LT_RELEASE}`);
    expect(notes).toContain('summary');
    expect(notes).toContain('99');
    expect(notes).toContain('networkPolicy.loadTestClients.enabled=true');
    expect(notes).toContain(`helm uninstall ${LT_RELEASE} -n ${NAMESPACE}`);
    expect(notes).toContain('BASE_URL = http://myhotel-hotel');
  });
});

describe('NetworkPolicies', () => {
  const svc = (component: string, ports: Record<string, number>): Endpoint => ({
    labels: {
      'app.kubernetes.io/name': 'myhotel',
      'app.kubernetes.io/instance': RELEASE,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': 'myhotel',
    },
    namespace: NAMESPACE,
    ports,
  });
  const auth = svc('auth', { http: 8080 });
  const hotel = svc('hotel', { http: 8080 });
  const postgres = svc('postgresql', { postgresql: 5432 });
  const dns: Endpoint = { labels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' };
  const internet: Endpoint = { namespace: '', ip: '93.184.216.34' };
  const ingressController: Endpoint = {
    labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    namespace: 'ingress-nginx',
    ports: { https: 443 },
  };

  let k6: Endpoint;
  let mainDefault: K8sObject[];
  let mainNarrowed: K8sObject[];
  let mainOptIn: K8sObject[];
  beforeAll(async () => {
    k6 = { labels: jobOf(get('default')).spec.template.metadata.labels, namespace: NAMESPACE };
    mainDefault = ofKind(await render(), 'NetworkPolicy');
    // the ingress controller narrowed to its namespace (the default admits every other
    // namespace), so that only the load-test rule can admit a k6 pod
    const ingressController = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    };
    mainNarrowed = ofKind(await render({ networkPolicy: { ingressController } }), 'NetworkPolicy');
    mainOptIn = ofKind(
      await render({ networkPolicy: { loadTestClients: { enabled: true }, ingressController } }),
      'NetworkPolicy',
    );
  }, 30_000);

  test('myhotel chart, opt-in off (default): the load-test pod cannot reach the services', () => {
    const policies = [...mainDefault, ...ofKind(get('default'), 'NetworkPolicy')];
    expect(flowAllowed(policies, k6, auth, 8080)).toBe(false);
    expect(flowAllowed(policies, k6, hotel, 8080)).toBe(false);
    expect(JSON.stringify(mainDefault)).not.toContain('loadtest');
  });

  test('myhotel chart, networkPolicy.loadTestClients.enabled=true: admits exactly the load-test pods', () => {
    const policies = [...mainOptIn, ...ofKind(get('default'), 'NetworkPolicy')];
    const pod = (labels: Record<string, string>, namespace = NAMESPACE): Endpoint => ({ labels, namespace });
    const allowed: [string, Endpoint, Endpoint, number, string?][] = [
      ['k6 -> auth http', k6, auth, 8080],
      ['k6 -> hotel http', k6, hotel, 8080],
      ['k6 -> DNS', k6, dns, 53, 'UDP'],
      ['k6 -> DNS tcp', k6, dns, 53, 'TCP'],
    ];
    const denied: [string, Endpoint, Endpoint, number, string?][] = [
      ['k6 -> postgres', k6, postgres, 5432],
      ['k6 -> auth on another port', k6, auth, 9229],
      ['k6 -> internet', k6, internet, 443],
      ['auth -> k6', auth, k6, 6565],
      ['k6 pod in another namespace -> auth', { ...k6, namespace: 'elsewhere' }, auth, 8080],
      ['part-of myhotel only -> auth', pod({ 'app.kubernetes.io/part-of': 'myhotel' }), auth, 8080],
      [
        'component loadtest of another product -> hotel',
        pod({ 'app.kubernetes.io/part-of': 'other', 'app.kubernetes.io/component': 'loadtest' }),
        hotel,
        8080,
      ],
      ['stranger -> hotel', pod({ app: 'other' }), hotel, 8080],
    ];
    expect(
      allowed.filter(([, f, t, port, proto]) => !flowAllowed(policies, f, t, port, proto)).map(([n]) => n),
    ).toEqual([]);
    expect(
      denied.filter(([, f, t, port, proto]) => flowAllowed(policies, f, t, port, proto)).map(([n]) => n),
    ).toEqual([]);
    // the opt-in adds one rule to the auth and hotel policies and changes nothing else
    const strip = (objs: K8sObject[]): string =>
      JSON.stringify(
        objs.map((p) => ({
          ...p,
          spec: {
            ...p.spec,
            ingress: (p.spec.ingress ?? []).filter(
              (r: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }) =>
                r.from?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/component'] !== 'loadtest',
            ),
          },
        })),
      );
    expect(strip(mainOptIn)).toBe(strip(mainNarrowed));
    for (const name of [`${RELEASE}-auth`, `${RELEASE}-hotel`]) {
      const rules = find(mainOptIn, 'NetworkPolicy', name).spec.ingress as unknown[];
      expect(rules).toContainEqual({
        from: [
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/part-of': 'myhotel',
                'app.kubernetes.io/component': 'loadtest',
              },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 'http' }],
      });
    }
  });

  test("this chart's policy: no ingress; egress to DNS and the target's auth/hotel http only", () => {
    const np = find(get('default'), 'NetworkPolicy', LT_RELEASE);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toBeUndefined();
    expect(np.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'myhotel-loadtest',
      'app.kubernetes.io/instance': LT_RELEASE,
      'app.kubernetes.io/component': 'loadtest',
    });
    const own = ofKind(get('default'), 'NetworkPolicy');
    const open: K8sObject[] = []; // the target side without policies: only this chart's rules apply
    expect(flowAllowed([...own, ...open], k6, auth, 8080)).toBe(true);
    expect(flowAllowed(own, k6, postgres, 5432)).toBe(false);
    expect(
      flowAllowed(
        own,
        k6,
        { ...auth, labels: { ...auth.labels, 'app.kubernetes.io/instance': 'other' } },
        8080,
      ),
    ).toBe(false);
    expect(flowAllowed(own, k6, ingressController, 443)).toBe(false);
    // target.baseUrl at the ingress needs an extra egress rule, which networkPolicy.extraEgress adds
    const ingressK6: Endpoint = {
      labels: jobOf(get('ingress')).spec.template.metadata.labels,
      namespace: NAMESPACE,
    };
    expect(flowAllowed(ofKind(get('ingress'), 'NetworkPolicy'), ingressK6, ingressController, 443)).toBe(
      true,
    );
    expect(flowAllowed(ofKind(get('ingress'), 'NetworkPolicy'), ingressK6, internet, 443)).toBe(false);
  });
});
