/**
 * Chart tests: helm lint --strict, helm template of every variant, Kubernetes schema
 * validation of every object, and assertions on security, probes, labels, secrets, ingress,
 * NetworkPolicies and values.schema.json. Each variant is rendered once (beforeAll).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Endpoint,
  type K8sObject,
  type Values,
  NAMESPACE,
  RELEASE,
  chartDir,
  defaultValues,
  find,
  flowAllowed,
  gatewayAndMonitoringValues,
  helm,
  lint,
  ofKind,
  parseObjects,
  podSpecs,
  render,
  repoRoot,
  validateWithModels,
  valuesArgs,
} from './helpers';

const variants: Record<string, Values | undefined> = {
  default: undefined,
  externalDatabase: {
    postgresql: { enabled: false },
    externalDatabase: {
      host: 'db.example.internal',
      port: 6432,
      database: 'hotelprod',
      sslMode: 'verify-full',
      existingSecret: 'managed-db',
      cidr: '10.20.0.0/16',
      bootstrap: { enabled: true, adminSecret: 'managed-db-admin' },
    },
  },
  externalDatabaseGenerated: {
    postgresql: { enabled: false },
    externalDatabase: { host: 'db.example.internal' },
  },
  ingressTls: {
    ingress: {
      className: 'nginx',
      host: 'api.myhotel.example',
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      tls: { enabled: true, secretName: 'myhotel-tls' },
    },
    config: {
      jwt: { issuer: 'https://api.myhotel.example/auth' },
      corsAllowedOrigins: ['https://frontdesk.example.com', 'http://localhost:5173'],
    },
  },
  existingSecrets: {
    postgresql: { auth: { existingSecret: 'my-db-secret' } },
    auth: { existingSecret: 'my-auth-secret', jwtKeyId: 'key-2026' },
  },
  gatewayAndMonitoring: gatewayAndMonitoringValues,
  minimal: {
    ingress: { enabled: false },
    networkPolicy: { enabled: false },
    migrations: { enabled: false },
    topologySpread: { enabled: false },
    secrets: { generate: false },
    shutdown: { delayMs: 2000, timeoutMs: 25500, graceMarginSeconds: 3 },
    auth: { autoscaling: { enabled: false }, pdb: { enabled: false }, replicaCount: 3 },
    hotel: { autoscaling: { enabled: false }, pdb: { minAvailable: 1, enabled: true } },
  },
};

const CRD_GROUPS = ['gateway.networking.k8s.io', 'monitoring.coreos.com'];

const rendered: Record<string, K8sObject[]> = {};
let values: Values;
const all = (): [string, K8sObject[]][] => Object.entries(rendered);

beforeAll(async () => {
  values = await defaultValues();
  await Promise.all(
    Object.entries(variants).map(async ([name, v]) => {
      rendered[name] = await render(v);
    }),
  );
}, 60_000);

const get = (variant: string): K8sObject[] => {
  const objs = rendered[variant];
  if (!objs) throw new Error(`variant ${variant} not rendered`);
  return objs;
};

describe('helm lint --strict', () => {
  test.each(Object.keys(variants))('%s values pass', async (name) => {
    const res = await lint(variants[name]);
    expect(`${res.stdout}${res.stderr}`).toContain('0 chart(s) failed');
    expect(res.code).toBe(0);
  });
});

describe('every rendered object', () => {
  test('is valid against the Kubernetes OpenAPI schemas (kubernetes-models)', async () => {
    // objects of CRDs (HTTPRoute, ServiceMonitor) are validated by their CRDs in apiserver.test.ts
    const objects = all()
      .flatMap(([, objs]) => objs)
      .filter((o) => !CRD_GROUPS.some((g) => o.apiVersion.startsWith(`${g}/`)));
    expect(objects.length).toBeGreaterThan(100);
    const failures = await validateWithModels(objects);
    expect(failures).toEqual([]);
  });

  test('carries the standard labels and a namespace', () => {
    for (const [variant, objs] of all()) {
      for (const o of objs) {
        const labels = o.metadata.labels ?? {};
        const where = `${variant}: ${o.kind}/${o.metadata.name}`;
        for (const key of ['name', 'instance', 'version', 'component', 'part-of', 'managed-by']) {
          expect([where, labels[`app.kubernetes.io/${key}`]]).toEqual([where, expect.any(String)]);
        }
        expect([where, labels['helm.sh/chart']]).toEqual([where, 'myhotel-0.1.0']);
        expect([where, labels['app.kubernetes.io/instance']]).toEqual([where, RELEASE]);
        expect([where, o.metadata.namespace]).toEqual([where, NAMESPACE]);
      }
    }
  });

  test('has a unique kind/name', () => {
    for (const [, objs] of all()) {
      const ids = objs.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test('selectors are a stable subset of the pod labels (no version, no chart)', () => {
    for (const [, objs] of all()) {
      for (const o of objs.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
        const sel = o.spec.selector.matchLabels as Record<string, string>;
        expect(Object.keys(sel).sort()).toEqual([
          'app.kubernetes.io/component',
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
        expect(o.spec.template.metadata.labels).toMatchObject(sel);
      }
      for (const s of ofKind(objs, 'Service')) {
        expect(Object.keys(s.spec.selector).sort()).toEqual([
          'app.kubernetes.io/component',
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
      }
    }
  });
});

describe('pod security (Pod Security Standard "restricted")', () => {
  test('every pod and container is restricted', () => {
    let containers = 0;
    for (const [variant, objs] of all()) {
      for (const { where, spec } of podSpecs(objs)) {
        const at = `${variant}: ${where}`;
        const psc = spec.securityContext ?? {};
        expect([at, psc.runAsNonRoot]).toEqual([at, true]);
        expect([at, psc.seccompProfile?.type]).toEqual([at, 'RuntimeDefault']);
        expect([at, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([
          at,
          false,
          false,
          false,
        ]);
        expect([at, spec.automountServiceAccountToken]).toEqual([at, false]);
        for (const v of spec.volumes ?? []) expect([at, v.hostPath]).toEqual([at, undefined]);
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          containers++;
          const csc = c.securityContext ?? {};
          const cat = `${at} container ${c.name}`;
          expect([cat, csc.allowPrivilegeEscalation]).toEqual([cat, false]);
          expect([cat, csc.privileged ?? false]).toEqual([cat, false]);
          expect([cat, csc.capabilities?.drop]).toEqual([cat, ['ALL']]);
          expect([cat, csc.capabilities?.add ?? []]).toEqual([cat, []]);
          expect([cat, csc.readOnlyRootFilesystem]).toEqual([cat, true]);
          expect([cat, csc.runAsNonRoot ?? psc.runAsNonRoot]).toEqual([cat, true]);
          const uid = csc.runAsUser ?? psc.runAsUser;
          expect([cat, Number.isInteger(uid) && uid > 0]).toEqual([cat, true]);
          expect([cat, (csc.seccompProfile ?? psc.seccompProfile)?.type]).toEqual([cat, 'RuntimeDefault']);
          // requests (and a memory limit) everywhere
          expect([cat, c.resources?.requests?.memory, c.resources?.limits?.memory]).toEqual([
            cat,
            expect.any(String),
            expect.any(String),
          ]);
          // a writable /tmp for read-only root filesystems
          if (!(c.image as string).includes('busybox')) {
            expect([
              cat,
              (c.volumeMounts ?? []).some((m: { mountPath: string }) => m.mountPath === '/tmp'),
            ]).toEqual([cat, true]);
          }
          // images pinned: an exact tag or a digest, never latest
          expect(c.image).toMatch(/(:[0-9][\w.-]*|@sha256:[a-f0-9]{64})$/);
          expect(c.image).not.toMatch(/:latest$/);
        }
      }
    }
    expect(containers).toBeGreaterThan(10);
  });

  test('service accounts do not automount tokens', () => {
    for (const [, objs] of all()) {
      const sas = ofKind(objs, 'ServiceAccount');
      expect(sas.length).toBeGreaterThanOrEqual(2);
      for (const sa of sas) expect(sa.automountServiceAccountToken).toBe(false);
    }
  });
});

describe('auth and hotel', () => {
  const services = ['auth', 'hotel'] as const;

  test.each(services)('%s: Deployment with probes, resources, spread, one shared template', (svc) => {
    const objs = get('default');
    const d = find(objs, 'Deployment', `${RELEASE}-${svc}`);
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.name).toBe(svc);
    expect(c.image).toBe(`ghcr.io/myhotel/${svc}:0.1.0`);
    expect(c.command).toEqual(['node', '/app/bin/main.js']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.resources.requests.cpu).toBeDefined();
    expect(d.spec.replicas).toBeUndefined(); // the HPA owns the replica count
    expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(pod.serviceAccountName).toBe(`${RELEASE}-${svc}`);
    expect(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    for (const t of pod.topologySpreadConstraints) {
      expect(t.labelSelector.matchLabels).toEqual(d.spec.selector.matchLabels);
    }
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(d.spec.template.metadata.annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
  });

  test.each(services)('%s: migrations run in an initContainer with the same configuration', (svc) => {
    const d = find(get('default'), 'Deployment', `${RELEASE}-${svc}`);
    const [init] = d.spec.template.spec.initContainers;
    const main = d.spec.template.spec.containers[0];
    expect(init.name).toBe('migrate');
    expect(init.command).toEqual(['node', '/app/bin/migrate.js']);
    expect(init.image).toBe(main.image);
    expect(init.env).toEqual(main.env);
    expect(init.envFrom).toEqual(main.envFrom);
    expect(
      find(get('minimal'), 'Deployment', `${RELEASE}-${svc}`).spec.template.spec.initContainers,
    ).toBeUndefined();
  });

  test.each(services)('%s: config from a ConfigMap, secrets from Secrets', (svc) => {
    const objs = get('default');
    const d = find(objs, 'Deployment', `${RELEASE}-${svc}`);
    const c = d.spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ configMapRef: { name: `${RELEASE}-${svc}` } }]);
    const cm = find(objs, 'ConfigMap', `${RELEASE}-${svc}`).data as Record<string, string>;
    expect(cm).toMatchObject({
      NODE_ENV: 'production',
      PORT: '8080',
      LOG_LEVEL: 'info',
      DATABASE_HOST: `${RELEASE}-postgresql`,
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'myhotel',
      DATABASE_USER: svc,
      DATABASE_SSL: 'disable',
      DB_POOL_MAX: '10',
      SHUTDOWN_DELAY_MS: '10000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      JWT_ISSUER: 'myhotel-auth',
      JWT_AUDIENCE: 'myhotel',
    });
    for (const v of Object.values(cm)) expect(typeof v).toBe('string');
    const secretEnv = Object.fromEntries(
      (c.env as { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[]).map((e) => [
        e.name,
        e.valueFrom.secretKeyRef,
      ]),
    );
    expect(secretEnv.DATABASE_PASSWORD).toEqual({ name: `${RELEASE}-db`, key: `${svc}-password` });
    if (svc === 'auth') {
      expect(cm).toMatchObject({
        ACCESS_TOKEN_TTL_SECONDS: '900',
        REFRESH_TOKEN_TTL_DAYS: '30',
        ADMIN_EMAIL: 'admin@myhotel.example',
        TRUST_PROXY: '1',
      });
      expect(secretEnv.JWT_PRIVATE_KEY).toEqual({ name: `${RELEASE}-auth`, key: 'jwt-private-key' });
      expect(secretEnv.ADMIN_PASSWORD).toEqual({ name: `${RELEASE}-auth`, key: 'admin-password' });
      expect(secretEnv.JWT_PREVIOUS_PUBLIC_KEY).toEqual({
        name: `${RELEASE}-auth`,
        key: 'jwt-previous-public-key',
        optional: true,
      });
      expect(cm.JWKS_URL).toBeUndefined();
    } else {
      expect(cm.JWKS_URL).toBe(`http://${RELEASE}-auth/.well-known/jwks.json`);
      expect(Object.keys(secretEnv)).toEqual(['DATABASE_PASSWORD']);
    }
    // no secret material in ConfigMaps
    expect(Object.keys(cm).filter((k) => /PASSWORD|PRIVATE_KEY/.test(k))).toEqual([]);
    // CORS off by default; the origins list reaches both services as one variable
    expect(cm.CORS_ALLOWED_ORIGINS).toBeUndefined();
    const tlsConfig = find(get('ingressTls'), 'ConfigMap', `${RELEASE}-${svc}`).data as Record<
      string,
      string
    >;
    expect(tlsConfig.CORS_ALLOWED_ORIGINS).toBe('https://frontdesk.example.com,http://localhost:5173');
  });

  test.each(services)('%s: ClusterIP Service 80 -> http, HPA (CPU), PDB, ServiceAccount', (svc) => {
    const objs = get('default');
    const name = `${RELEASE}-${svc}`;
    const s = find(objs, 'Service', name);
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    const hpa = find(objs, 'HorizontalPodAutoscaler', name);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = find(objs, 'PodDisruptionBudget', name);
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.selector.matchLabels).toEqual(find(objs, 'Deployment', name).spec.selector.matchLabels);
    expect(pdb.spec.minReplicas).toBeUndefined();
    find(objs, 'ServiceAccount', name);
  });

  test('terminationGracePeriodSeconds covers the drain (one source of truth)', () => {
    for (const [variant, objs] of all()) {
      for (const svc of services) {
        const d = find(objs, 'Deployment', `${RELEASE}-${svc}`);
        const cm = find(objs, 'ConfigMap', `${RELEASE}-${svc}`).data;
        const drainMs = Number(cm.SHUTDOWN_DELAY_MS) + Number(cm.SHUTDOWN_TIMEOUT_MS);
        const grace = d.spec.template.spec.terminationGracePeriodSeconds as number;
        expect([variant, grace * 1000 > drainMs]).toEqual([variant, true]);
        expect([variant, grace * 1000 - drainMs <= 10_000]).toEqual([variant, true]);
      }
    }
    expect(
      find(get('default'), 'Deployment', `${RELEASE}-auth`).spec.template.spec.terminationGracePeriodSeconds,
    ).toBe(25);
    expect(
      find(get('minimal'), 'Deployment', `${RELEASE}-auth`).spec.template.spec.terminationGracePeriodSeconds,
    ).toBe(31);
  });

  test('without autoscaling the Deployment sets replicas; PDB can use minAvailable', () => {
    const objs = get('minimal');
    expect(find(objs, 'Deployment', `${RELEASE}-auth`).spec.replicas).toBe(3);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(get('default'), 'HorizontalPodAutoscaler')).toHaveLength(2);
    expect(ofKind(objs, 'PodDisruptionBudget').map((p) => [p.metadata.name, p.spec.minAvailable])).toEqual([
      [`${RELEASE}-hotel`, 1],
    ]);
  });

  test('both Deployments come from one template: identical apart from the service name', async () => {
    const objs = get('default');
    const norm = (svc: string): string => {
      const d = structuredClone(find(objs, 'Deployment', `${RELEASE}-${svc}`));
      delete d.spec.template.metadata.annotations['checksum/config'];
      for (const c of [...d.spec.template.spec.initContainers, ...d.spec.template.spec.containers]) {
        c.env = (c.env as { name: string }[]).filter((e) => ['DATABASE_PASSWORD'].includes(e.name));
      }
      return JSON.stringify(d).replace(new RegExp(`(?<![a-z])${svc}(?![a-z])`, 'g'), 'SVC');
    };
    expect(norm('hotel')).toBe(norm('auth'));
    const tpl = await fs.readFile(path.join(chartDir, 'templates', '_service.tpl'), 'utf8');
    expect(tpl).toContain('define "myhotel.service"');
  });
});

describe('PostgreSQL', () => {
  test('StatefulSet on the official image with a PVC, probes, non-root 999', () => {
    const objs = get('default');
    const sts = find(objs, 'StatefulSet', `${RELEASE}-postgresql`);
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toMatch(/^docker\.io\/library\/postgres:17\.\d+(-[a-z]+)?$/);
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('8Gi');
    expect(pod.securityContext).toMatchObject({
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      runAsNonRoot: true,
    });
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(c[probe].exec.command[0]).toBe('pg_isready');
    }
    const env = Object.fromEntries(
      (c.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
        e.name,
        e.value ?? e.valueFrom,
      ]),
    );
    expect(env.PGDATA).toBe('/var/lib/postgresql/data/pgdata');
    expect(env.POSTGRES_DB).toBe('myhotel');
    expect(env.POSTGRES_PASSWORD).toEqual({
      secretKeyRef: { name: `${RELEASE}-db`, key: 'postgres-password' },
    });
    expect(env.AUTH_DB_PASSWORD).toEqual({ secretKeyRef: { name: `${RELEASE}-db`, key: 'auth-password' } });
    expect(env.HOTEL_DB_PASSWORD).toEqual({ secretKeyRef: { name: `${RELEASE}-db`, key: 'hotel-password' } });
    const mounts = Object.fromEntries(
      (c.volumeMounts as { name: string; mountPath: string }[]).map((m) => [m.mountPath, m.name]),
    );
    expect(mounts).toMatchObject({
      '/var/lib/postgresql/data': 'data',
      '/docker-entrypoint-initdb.d': 'initdb',
      '/var/run/postgresql': 'run',
      '/tmp': 'tmp',
    });
    // only the .sh goes into /docker-entrypoint-initdb.d (the entrypoint would run bare *.sql without variables)
    const initdbVol = (pod.volumes as { name: string; configMap?: { items: { key: string }[] } }[]).find(
      (v) => v.name === 'initdb',
    );
    expect(initdbVol?.configMap?.items.map((i) => i.key)).toEqual(['00-myhotel-bootstrap.sh']);
  });

  test('headless Service governs the StatefulSet; a ClusterIP Service for clients', () => {
    const objs = get('default');
    const sts = find(objs, 'StatefulSet', `${RELEASE}-postgresql`);
    const hl = find(objs, 'Service', sts.spec.serviceName);
    expect(hl.spec.clusterIP).toBe('None');
    expect(find(objs, 'Service', `${RELEASE}-postgresql`).spec.ports[0].port).toBe(5432);
  });

  test('init ConfigMap: the db/bootstrap SQL verbatim and a script passing the psql variables', async () => {
    const cm = find(get('default'), 'ConfigMap', `${RELEASE}-postgresql-initdb`).data as Record<
      string,
      string
    >;
    for (const f of ['01-roles.sql', '02-database.sql']) {
      expect(cm[f]).toBe(await fs.readFile(path.join(repoRoot, 'db', 'bootstrap', f), 'utf8'));
    }
    const script = cm['00-myhotel-bootstrap.sh'] as string;
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('-v auth_password="$AUTH_DB_PASSWORD" -v hotel_password="$HOTEL_DB_PASSWORD"');
    expect(script).toContain('-v database="$MYHOTEL_DATABASE"');
    expect(script).toContain('ON_ERROR_STOP=1');
    const file = path.join(os.tmpdir(), `myhotel-bootstrap-${process.pid}.sh`);
    await fs.writeFile(file, script);
    execFileSync('bash', ['-n', file]); // syntax check
    await fs.rm(file);
  });

  test('postgresql.enabled=false: no StatefulSet, services point at the external database', () => {
    const objs = get('externalDatabase');
    expect(ofKind(objs, 'StatefulSet')).toEqual([]);
    expect(objs.filter((o) => o.metadata.name.includes('postgresql'))).toEqual([]);
    for (const svc of ['auth', 'hotel']) {
      expect(find(objs, 'ConfigMap', `${RELEASE}-${svc}`).data).toMatchObject({
        DATABASE_HOST: 'db.example.internal',
        DATABASE_PORT: '6432',
        DATABASE_NAME: 'hotelprod',
        DATABASE_SSL: 'verify-full',
      });
      const env = find(objs, 'Deployment', `${RELEASE}-${svc}`).spec.template.spec.containers[0].env;
      expect(env[0].valueFrom.secretKeyRef).toEqual({ name: 'managed-db', key: `${svc}-password` });
    }
    // optional bootstrap hook Job with admin credentials
    const job = find(objs, 'Job', `${RELEASE}-db-bootstrap`);
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const jobEnv = Object.fromEntries(
      (
        job.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]
      ).map((e) => [e.name, e.value ?? e.valueFrom]),
    );
    expect(jobEnv.PGHOST).toBe('db.example.internal');
    expect(jobEnv.PGPASSWORD).toEqual({ secretKeyRef: { name: 'managed-db-admin', key: 'password' } });
    expect(
      find(objs, 'ConfigMap', `${RELEASE}-db-bootstrap`).metadata.annotations['helm.sh/hook-weight'],
    ).toBe('-10');
    // no chart-generated DB Secret when existingSecret is given
    expect(ofKind(objs, 'Secret').map((s) => s.metadata.name)).toEqual([`${RELEASE}-auth`]);
    // without existingSecret the chart generates the role passwords (no superuser password)
    const generated = find(get('externalDatabaseGenerated'), 'Secret', `${RELEASE}-db`);
    expect(Object.keys(generated.data).sort()).toEqual(['auth-password', 'hotel-password']);
    expect(find(get('externalDatabaseGenerated'), 'ConfigMap', `${RELEASE}-auth`).data.DATABASE_SSL).toBe(
      'require',
    );
  });
});

describe('Secrets', () => {
  test('generated on install: DB passwords, Ed25519 PKCS#8 JWT key, admin password; kept on uninstall', () => {
    const objs = get('default');
    const db = find(objs, 'Secret', `${RELEASE}-db`);
    expect(Object.keys(db.data).sort()).toEqual(['auth-password', 'hotel-password', 'postgres-password']);
    for (const v of Object.values(db.data as Record<string, string>)) {
      expect(Buffer.from(v, 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    }
    const auth = find(objs, 'Secret', `${RELEASE}-auth`);
    const pem = Buffer.from(auth.data['jwt-private-key'], 'base64').toString();
    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ed25519');
    expect(Buffer.from(auth.data['admin-password'], 'base64').toString()).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(db.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
  });

  test('the chart looks existing Secrets up so upgrades keep the values', async () => {
    const tpl = await fs.readFile(path.join(chartDir, 'templates', '_helpers.tpl'), 'utf8');
    expect(tpl).toMatch(/lookup "v1" "Secret"/);
  });

  test('existingSecret: nothing generated, references point at the given Secrets', () => {
    const objs = get('existingSecrets');
    expect(ofKind(objs, 'Secret')).toEqual([]);
    const refs = new Set<string>();
    for (const { spec } of podSpecs(objs)) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) refs.add(e.valueFrom.secretKeyRef.name);
      }
    }
    expect([...refs].sort()).toEqual(['my-auth-secret', 'my-db-secret']);
    expect(find(objs, 'ConfigMap', `${RELEASE}-auth`).data.JWT_KEY_ID).toBe('key-2026');
  });

  test('secrets.generator=job (GitOps): no Secret rendered; a restricted hook Job creates the missing ones once', async () => {
    const objs = await render({ secrets: { generator: 'job' } });
    expect(ofKind(objs, 'Secret')).toEqual([]);
    const name = `${RELEASE}-secrets-init`;
    const job = find(objs, 'Job', name);
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Job']) {
      const o = find(objs, kind, name);
      expect([kind, o.metadata.annotations['helm.sh/hook']]).toEqual([kind, 'pre-install,pre-upgrade']);
    }
    // RBAC: create Secrets, read only the chart's two
    expect(find(objs, 'Role', name).rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: [`${RELEASE}-db`, `${RELEASE}-auth`],
        verbs: ['get'],
      },
    ]);
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe(name);
    expect(pod.containers[0].command).toEqual(['node', '/scripts/init-secrets.mjs']);
    const spec = JSON.parse(
      pod.containers[0].env.find((e: { name: string }) => e.name === 'MYHOTEL_SECRETS').value,
    );
    expect(spec.map((s: { name: string; data: Record<string, string> }) => [s.name, s.data])).toEqual([
      [
        `${RELEASE}-db`,
        {
          'auth-password': 'password:32',
          'hotel-password': 'password:32',
          'postgres-password': 'password:32',
        },
      ],
      [`${RELEASE}-auth`, { 'admin-password': 'password:24', 'jwt-private-key': 'ed25519' }],
    ]);
    expect(spec[0].labels['app.kubernetes.io/managed-by']).toBe('myhotel-secrets-init');
    // the script is the chart's file, and the Job may reach the API server through the policies
    const script = await fs.readFile(path.join(chartDir, 'files/secrets-init/init-secrets.mjs'), 'utf8');
    expect(find(objs, 'ConfigMap', name).data['init-secrets.mjs'].trim()).toBe(script.trim());
    const p = ofKind(objs, 'NetworkPolicy');
    const initPod: Endpoint = { labels: job.spec.template.metadata.labels, namespace: NAMESPACE };
    expect(flowAllowed(p, initPod, { namespace: '', ip: '10.96.0.1' }, 443)).toBe(true);
    expect(flowAllowed(p, initPod, { namespace: '', ip: '10.0.0.5' }, 5432)).toBe(false);
    // existingSecrets: nothing left to create, no Job
    const none = await render({ secrets: { generator: 'job' }, ...variants.existingSecrets });
    expect(ofKind(none, 'Job')).toEqual([]);
  });

  test('secrets.generate=false renders no Secret but keeps the references', () => {
    const objs = get('minimal');
    expect(ofKind(objs, 'Secret')).toEqual([]);
    const env = find(objs, 'Deployment', `${RELEASE}-auth`).spec.template.spec.containers[0].env;
    expect(
      env.map((e: { valueFrom: { secretKeyRef: { name: string } } }) => e.valueFrom.secretKeyRef.name),
    ).toEqual([`${RELEASE}-db`, `${RELEASE}-auth`, `${RELEASE}-auth`, `${RELEASE}-auth`]);
  });
});

describe('Ingress', () => {
  test('paths are exactly values.routes, backed by the services http port', () => {
    const routes = values.routes as { path: string; pathType: string; service: string }[];
    expect(routes.length).toBeGreaterThan(0);
    for (const variant of ['default', 'ingressTls']) {
      const ing = find(get(variant), 'Ingress', RELEASE);
      expect(ing.apiVersion).toBe('networking.k8s.io/v1');
      expect(ing.spec.rules).toHaveLength(1);
      const paths = ing.spec.rules[0].http.paths.map(
        (p: {
          path: string;
          pathType: string;
          backend: { service: { name: string; port: { name: string } } };
        }) => ({
          path: p.path,
          pathType: p.pathType,
          service: p.backend.service.name.replace(`${RELEASE}-`, ''),
          port: p.backend.service.port.name,
        }),
      );
      expect(paths).toEqual(routes.map((r) => ({ ...r, port: 'http' })));
    }
  });

  test('default: no host, no TLS, cluster default class', () => {
    const ing = find(get('default'), 'Ingress', RELEASE);
    expect(ing.spec.rules[0].host).toBeUndefined();
    expect(ing.spec.tls).toBeUndefined();
    expect(ing.spec.ingressClassName).toBeUndefined();
  });

  test('TLS, host, class and annotations are configurable', () => {
    const ing = find(get('ingressTls'), 'Ingress', RELEASE);
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules[0].host).toBe('api.myhotel.example');
    expect(ing.spec.tls).toEqual([{ secretName: 'myhotel-tls', hosts: ['api.myhotel.example'] }]);
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
  });

  test('ingress.enabled=false renders no Ingress', () => {
    expect(ofKind(get('minimal'), 'Ingress')).toEqual([]);
  });

  test('values.yaml keeps the routes table the local gateway reads', async () => {
    const text = await fs.readFile(path.join(chartDir, 'values.yaml'), 'utf8');
    expect(text).toMatch(
      /^routes:\n( {2}- \{ path: \S+, pathType: (Prefix|Exact), service: (auth|hotel) \}\n)+/m,
    );
  });
});

describe('Gateway API HTTPRoute', () => {
  test('the same route table as the Ingress, on the given Gateway and host names', () => {
    const routes = values.routes as { path: string; pathType: string; service: string }[];
    const objs = get('gatewayAndMonitoring');
    expect(ofKind(objs, 'Ingress')).toEqual([]);
    const route = find(objs, 'HTTPRoute', RELEASE);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([
      { name: 'public', namespace: 'gateway-system', sectionName: 'https' },
    ]);
    expect(route.spec.hostnames).toEqual(['api.myhotel.example']);
    const rules = route.spec.rules.map(
      (r: {
        matches: { path: { type: string; value: string } }[];
        backendRefs: { name: string; port: number }[];
      }) => ({
        path: r.matches[0]!.path.value,
        pathType: r.matches[0]!.path.type === 'Exact' ? 'Exact' : 'Prefix',
        service: r.backendRefs[0]!.name.replace(`${RELEASE}-`, ''),
        port: r.backendRefs[0]!.port,
      }),
    );
    expect(rules).toEqual(routes.map((r) => ({ ...r, port: 80 })));
    expect(
      route.spec.rules.map((r: { matches: { path: { type: string } }[] }) => r.matches[0]!.path.type),
    ).toEqual(routes.map((r) => (r.pathType === 'Exact' ? 'Exact' : 'PathPrefix')));
  });

  test('off by default; parentRefs are required when on', async () => {
    expect(ofKind(get('default'), 'HTTPRoute')).toEqual([]);
    const res = await lint({ httpRoute: { enabled: true } });
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toMatch(/parentRefs/);
  });
});

describe('ServiceMonitor', () => {
  test('scrapes /metrics on the http port of auth and hotel, not PostgreSQL', () => {
    const objs = get('gatewayAndMonitoring');
    const sm = find(objs, 'ServiceMonitor', RELEASE);
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: [NAMESPACE] });
    const selects = (labels: Record<string, string>) =>
      Object.entries(sm.spec.selector.matchLabels as Record<string, string>).every(
        ([k, v]) => labels[k] === v,
      ) &&
      (sm.spec.selector.matchExpressions as { key: string; values: string[] }[]).every((e) =>
        e.values.includes(labels[e.key] ?? ''),
      );
    const services = ofKind(objs, 'Service');
    const selected = services.filter((svc) => selects(svc.metadata.labels)).map((svc) => svc.metadata.name);
    expect(selected.sort()).toEqual([`${RELEASE}-auth`, `${RELEASE}-hotel`]);
    for (const name of selected) {
      expect(find(objs, 'Service', name).spec.ports.map((p: { name: string }) => p.name)).toContain('http');
    }
    expect(ofKind(get('default'), 'ServiceMonitor')).toEqual([]);
  });
});

describe('NetworkPolicies', () => {
  const rel = (component: string): Record<string, string> => ({
    'app.kubernetes.io/name': 'myhotel',
    'app.kubernetes.io/instance': RELEASE,
    'app.kubernetes.io/component': component,
  });
  const pod = (component: string, ports: Record<string, number> = {}): Endpoint => ({
    labels: rel(component),
    namespace: NAMESPACE,
    ports,
  });
  const auth = pod('auth', { http: 8080 });
  const hotel = pod('hotel', { http: 8080 });
  const postgres = pod('postgresql', { postgresql: 5432 });
  const tester = pod('test');
  const ingressController: Endpoint = {
    labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    namespace: 'ingress-nginx',
  };
  const stranger: Endpoint = { labels: { app: 'other' }, namespace: NAMESPACE };
  const otherNs: Endpoint = { labels: { app: 'other' }, namespace: 'elsewhere' };
  const dns: Endpoint = { labels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system', ports: { dns: 53 } };
  const internet: Endpoint = { namespace: '', ip: '93.184.216.34' };

  test('default deny for every pod of the release, in and out', () => {
    const policies = ofKind(get('default'), 'NetworkPolicy');
    const deny = find(policies, 'NetworkPolicy', `${RELEASE}-default-deny`);
    expect(deny.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'myhotel',
      'app.kubernetes.io/instance': RELEASE,
    });
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
  });

  test('allowed flows: ingress->services, hotel->auth, services->postgres, DNS, hotel->webhook receivers; nothing else', () => {
    const p = ofKind(get('default'), 'NetworkPolicy');
    const traefik: Endpoint = { labels: { 'app.kubernetes.io/name': 'traefik' }, namespace: 'traefik' };
    const allowed: [string, Endpoint, Endpoint, number, string?][] = [
      ['ingress -> auth', ingressController, auth, 8080],
      ['ingress -> hotel', ingressController, hotel, 8080],
      // the default assumes no particular controller: any other namespace may reach http
      ['another controller (traefik) -> hotel', traefik, hotel, 8080],
      ['another controller (traefik) -> auth', traefik, auth, 8080],
      ['hotel -> auth (JWKS)', hotel, auth, 8080],
      ['auth -> postgres', auth, postgres, 5432],
      ['hotel -> postgres', hotel, postgres, 5432],
      ['helm test -> auth', tester, auth, 8080],
      ['helm test -> hotel', tester, hotel, 8080],
      ['auth -> DNS udp', auth, dns, 53, 'UDP'],
      ['hotel -> DNS tcp', hotel, dns, 53, 'TCP'],
      ['postgres -> DNS', postgres, dns, 53, 'UDP'],
      ['hotel -> webhook receiver (HTTPS)', hotel, internet, 443],
      ['hotel -> webhook receiver (HTTP)', hotel, internet, 80],
    ];
    const denied: [string, Endpoint, Endpoint, number, string?][] = [
      ['auth -> hotel', auth, hotel, 8080],
      ['ingress -> postgres', ingressController, postgres, 5432],
      ['same-namespace stranger -> auth', stranger, auth, 8080],
      ['same-namespace stranger -> hotel', stranger, hotel, 8080],
      ['other namespace -> postgres', otherNs, postgres, 5432],
      ['other namespace -> hotel on another port', otherNs, hotel, 9229],
      ['stranger -> postgres', stranger, postgres, 5432],
      ['helm test -> postgres', tester, postgres, 5432],
      ['ingress -> auth on another port', ingressController, auth, 9229],
      ['auth -> internet', auth, internet, 443],
      ['hotel -> internet on another port', hotel, internet, 25],
      ['hotel -> a cluster-internal address (webhook)', hotel, { namespace: '', ip: '10.96.0.10' }, 443],
      ['hotel -> the cloud metadata service (webhook)', hotel, { namespace: '', ip: '169.254.169.254' }, 80],
      ['postgres -> internet', postgres, internet, 443],
      ['postgres -> auth', postgres, auth, 8080],
      ['hotel -> postgres on another port', hotel, postgres, 8080],
    ];
    expect(
      allowed.filter(([, f, t, port, proto]) => !flowAllowed(p, f, t, port, proto)).map(([n]) => n),
    ).toEqual([]);
    expect(
      denied.filter(([, f, t, port, proto]) => flowAllowed(p, f, t, port, proto)).map(([n]) => n),
    ).toEqual([]);
  });

  test('webhook egress can be switched off (networkPolicy.webhookEgress.enabled=false)', async () => {
    const p = ofKind(await render({ networkPolicy: { webhookEgress: { enabled: false } } }), 'NetworkPolicy');
    expect(flowAllowed(p, hotel, internet, 443)).toBe(false);
    expect(flowAllowed(p, hotel, auth, 8080)).toBe(true);
  });

  test('external database: egress to its CIDR and port only', () => {
    const p = ofKind(get('externalDatabase'), 'NetworkPolicy');
    const db: Endpoint = { namespace: '', ip: '10.20.3.4' };
    expect(flowAllowed(p, auth, db, 6432)).toBe(true);
    expect(flowAllowed(p, hotel, db, 6432)).toBe(true);
    expect(flowAllowed(p, pod('db-bootstrap'), db, 6432)).toBe(true);
    expect(flowAllowed(p, auth, db, 5432)).toBe(false);
    expect(flowAllowed(p, auth, { namespace: '', ip: '10.30.0.1' }, 6432)).toBe(false);
    expect(flowAllowed(p, hotel, auth, 8080)).toBe(true);
    expect(p.filter((x) => x.metadata.name.includes('postgresql'))).toEqual([]);
  });

  test('the ingress controller namespace can be narrowed; networkPolicy.enabled=false removes them', async () => {
    const objs = await render({
      networkPolicy: {
        ingressController: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
        },
      },
    });
    const p = ofKind(objs, 'NetworkPolicy');
    expect(flowAllowed(p, { ...ingressController, namespace: 'traefik' }, auth, 8080)).toBe(true);
    expect(flowAllowed(p, ingressController, auth, 8080)).toBe(false);
    expect(flowAllowed(p, otherNs, hotel, 8080)).toBe(false);
    expect(ofKind(get('minimal'), 'NetworkPolicy')).toEqual([]);
    // optional Prometheus scraping of /metrics from a monitoring namespace
    const monitoring: Endpoint = { labels: { app: 'prometheus' }, namespace: 'monitoring' };
    expect(flowAllowed(p, monitoring, auth, 8080)).toBe(false);
    const scraped = ofKind(
      await render({
        networkPolicy: {
          metrics: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
        },
      }),
      'NetworkPolicy',
    );
    expect(flowAllowed(scraped, monitoring, auth, 8080)).toBe(true);
    expect(flowAllowed(scraped, monitoring, hotel, 8080)).toBe(true);
    expect(flowAllowed(scraped, monitoring, postgres, 5432)).toBe(false);
  });
});

describe('helm test', () => {
  test('a restricted pod calls /readyz of both services', () => {
    const objs = get('default');
    const t = find(objs, 'Pod', `${RELEASE}-test-readyz`);
    expect(t.metadata.annotations['helm.sh/hook']).toBe('test');
    expect(t.metadata.labels['app.kubernetes.io/component']).toBe('test');
    const c = t.spec.containers[0];
    expect(c.image).toBe('docker.io/library/busybox:1.37.0');
    const script = c.args.join('\n') as string;
    expect(script).toContain(`${RELEASE}-auth ${RELEASE}-hotel`);
    expect(script).toContain('/readyz');
  });
});

describe('values.schema.json', () => {
  const bad: [string, Values][] = [
    ['wrong type', { auth: { replicaCount: 'two' } }],
    ['unknown top-level key', { replicas: 3 }],
    ['unknown nested key', { ingress: { tls: { enabled: true, secret: 'x' } } }],
    ['bad enum (sslMode)', { externalDatabase: { sslMode: 'prefer' } }],
    ['bad enum (route service)', { routes: [{ path: '/api/x', pathType: 'Prefix', service: 'billing' }] }],
    ['external database without host', { postgresql: { enabled: false } }],
    ['negative port', { service: { port: -1 } }],
    ['bad enum (secrets.generator)', { secrets: { generator: 'vault' } }],
    ['a CORS origin with a path', { config: { corsAllowedOrigins: ['https://app.example.com/ui'] } }],
  ];

  test.each(bad)('rejects %s in helm template and helm lint', async (_name, v) => {
    const args = await valuesArgs(v);
    const tpl = await helm(['template', RELEASE, chartDir, ...args]);
    expect(tpl.code).not.toBe(0);
    expect(tpl.stderr).toMatch(/schema|required/i);
    const res = await lint(v);
    expect(res.code).not.toBe(0);
  });

  test('is a draft-07 schema closed at the top level', async () => {
    const schema = JSON.parse(await fs.readFile(path.join(chartDir, 'values.schema.json'), 'utf8'));
    expect(schema.$schema).toMatch(/draft-07/);
    expect(schema.additionalProperties).toBe(false);
    // every key of values.yaml is described
    expect(Object.keys(values).filter((k) => !(k in schema.properties))).toEqual([]);
  });
});

describe('NOTES.txt', () => {
  test('tells how to reach the API and read the admin credentials', async () => {
    const res = await helm(['install', RELEASE, chartDir, '--dry-run=client', '--namespace', NAMESPACE]);
    expect(res.code).toBe(0);
    const notes = res.stdout.slice(res.stdout.indexOf('NOTES:'));
    expect(notes).toContain(
      `kubectl -n ${NAMESPACE} get secret ${RELEASE}-auth -o jsonpath='{.data.admin-password}' | base64 -d`,
    );
    expect(notes).toContain('admin@myhotel.example');
    expect(notes).toContain(`get ingress ${RELEASE}`);
  });
});

describe('names', () => {
  test('the longest release name still yields valid object names', async () => {
    const release = 'a'.repeat(53); // Helm's maximum
    const res = await helm(['template', release, chartDir, '--namespace', NAMESPACE]);
    expect(res.code).toBe(0);
    for (const o of parseObjects(res.stdout)) {
      expect([o.kind, o.metadata.name.length <= 63]).toEqual([o.kind, true]);
      // StatefulSet pods get a controller-revision-hash label of <name>-<10 chars>
      if (o.kind === 'StatefulSet') expect(o.metadata.name.length).toBeLessThanOrEqual(52);
    }
  });
});
