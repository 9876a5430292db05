/**
 * The phases of the cluster test (test/cluster/run.ts runs them in this order on a fresh
 * cluster): each is one step with its own assertions and a one-line fact for the final report.
 */
import assert from 'node:assert/strict';
import { GATEWAY, INGRESS_NAMESPACE } from '../../scripts/cluster/addons';
import { DEV_TAG } from '../../scripts/cluster/cluster';
import { SERVICES, serviceImage } from '../../scripts/cluster/images/services';
import { getJson, helm, kubectl, waitFor } from '../../scripts/cluster/kube';
import { chartValuesFile } from '../../scripts/cluster/chart-values';
import { formatDuration, type StepRunner } from '../../scripts/lib/steps';
import type { Api } from './api';
import { probeFlows } from './network-probe';
import type { PodLogs } from './pod-logs';
import { clusterCommands, loadTestCommands, runReadme } from './readme-commands';
import { isFailure, type LoadReport, type Outcome, PacedLoad, summarize } from './paced-load';
import { chartDir, EXPECTED_PODS, main, Release } from './release';
import { ADMIN_EMAIL, type Actors, loadGuests, missingBookings, setUpHotel, tryIt } from './try-it';
import { UPGRADE_MIGRATION, UPGRADE_TABLE, UPGRADE_TAG } from './upgrade-image';

const LOAD_RATE = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const svc = (name: string) => `${main.fullname}-${name}.${main.namespace}.svc.cluster.local`;

export interface Context {
  api: Api;
  /** Logs of the release's pods, kept while the phases run. */
  podLogs: PodLogs;
  actors: Actors;
  /** Every booking the API acknowledged (201) during the test. */
  acknowledged: string[];
  /** Facts for the final report. */
  facts: string[];
  /** The load-test chart's image here: the k6 shim (k6-shim-image.ts). */
  k6Image: string;
}

/** Runs paced load while `during` runs, then `settleMs` more; resolves with what the load saw. */
async function underLoad(
  ctx: Context,
  round: string,
  during: (load: PacedLoad) => Promise<void>,
  settleMs = 5000,
): Promise<LoadReport> {
  const guestTokens = await loadGuests(ctx.api, 4, round);
  const load = new PacedLoad({
    baseUrl: ctx.api.baseUrl,
    rooms: ctx.actors.rooms,
    guestTokens,
    rate: LOAD_RATE,
  }).start();
  let error: unknown;
  try {
    await sleep(3000);
    await during(load);
    await sleep(settleMs);
  } catch (err) {
    error = err;
  }
  const report = await load.stop();
  ctx.acknowledged.push(...report.acknowledgedBookings);
  if (error) throw error;
  return report;
}

/**
 * Waits until the ingress (or a Gateway, by host name) routes to both services: the controller
 * adds each service's routes once it has seen that service's ready endpoints.
 */
const servesBoth = (api: Api, what: string, host?: string) =>
  waitFor(
    what,
    async () => {
      const [auth, hotel] = await Promise.all([
        api.get('/.well-known/jwks.json', { host }),
        api.get('/api/rooms', { host }),
      ]);
      return auth.status === 200 && hotel.status === 200 ? true : undefined;
    },
    60_000,
    500,
  );

/**
 * The failed outcomes: counts by status, the first few with when, how long and who answered, and
 * what the services logged about them.
 */
function describeFailures(ctx: Context, outcomes: Outcome[]): string {
  const failed = outcomes.filter(isFailure);
  const first = failed
    .slice(0, 5)
    .map(
      (o) =>
        `${o.kind} ${o.status || o.error} at ${formatDuration(o.at)} after ${o.ms ?? '?'} ms` +
        `${o.detail ? ` (${o.detail})` : ''}`,
    );
  const ids = failed.flatMap((o) => (o.requestId ? [o.requestId] : []));
  const logged = ids.length ? ctx.podLogs.errorsMentioning(ids).slice(0, 5) : [];
  return [
    `${summarize(failed)}:`,
    ...first,
    ...(logged.length ? ['logged by the pods:', ...logged] : []),
  ].join('\n  ');
}

export async function phases(steps: StepRunner, ctx: Context): Promise<void> {
  const expectPods = () =>
    waitFor('every pod of the release Ready', () => main.allReady(EXPECTED_PODS), 300_000, 2000);

  await steps.run(
    'README: namespace (Pod Security restricted), helm install, curl the ingress',
    async ({ log }) => {
      const t0 = Date.now();
      const printed = await runReadme(clusterCommands().install, log); // curl's answer comes last
      const namespace = await getJson<{ metadata: { labels?: Record<string, string> } }>([
        'namespace',
        main.namespace,
      ]);
      assert.equal(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
      assert.ok(
        Array.isArray((JSON.parse(printed.stdout.trim().split('\n').at(-1)!) as { items?: unknown }).items),
        'curl printed the room list',
      );
      const running = await expectPods();
      const migrateRestarts = running
        .flatMap((p) => p.status.initContainerStatuses ?? [])
        .reduce((n, s) => n + s.restartCount, 0);
      assert.equal(migrateRestarts, 0, 'the migrate init containers never crashed waiting for PostgreSQL');
      await servesBoth(ctx.api, 'the ingress routing to auth and hotel');
      const fact = `README cluster commands: all ${running.length} pods Ready ${formatDuration(Date.now() - t0)} after kubectl create namespace, under Pod Security restricted; migrate init containers: 0 restarts; curl through the ingress listed the rooms`;
      ctx.facts.push(fact);
      return fact;
    },
  );

  await steps.run('NetworkPolicies enforced (kube-router)', async ({ log }) => {
    const targets = {
      auth: [svc('auth'), 80],
      hotel: [svc('hotel'), 80],
      postgresql: [svc('postgresql'), 5432],
    } as const;
    /** Probes auth, hotel and PostgreSQL from a pod labelled app=stranger in `namespace`. */
    const expectFlows = async (
      namespace: string,
      open: Record<keyof typeof targets, boolean>,
      what: string,
    ) => {
      const flows = Object.entries(targets).map(([name, [host, port]]) => ({
        name,
        host,
        port,
        open: open[name as keyof typeof targets],
      }));
      assert.deepEqual(await probeFlows(namespace, { app: 'stranger' }, flows, log), open, what);
    };
    await expectFlows(
      main.namespace,
      { auth: false, hotel: false, postgresql: false },
      'a stranger pod of the release namespace reaches nothing',
    );
    await expectFlows(
      'default',
      { auth: true, hotel: true, postgresql: false },
      'default: other namespaces reach http only',
    );
    // narrowed to the ingress controller's namespace, as docs/kubernetes.md recommends
    await main.upgrade(log, [
      '--set-json',
      `networkPolicy.ingressController.namespaceSelector={"matchLabels":{"kubernetes.io/metadata.name":"${INGRESS_NAMESPACE}"}}`,
    ]);
    await expectFlows(
      'default',
      { auth: false, hotel: false, postgresql: false },
      'narrowed: only the ingress controller',
    );
    await servesBoth(ctx.api, 'the ingress through the narrowed policies');
    const fact =
      'NetworkPolicies enforced: release-namespace stranger → auth/hotel/postgres refused; other namespace → postgres refused; narrowed to namespace traefik → only the ingress reaches auth/hotel';
    ctx.facts.push(fact);
    return fact;
  });

  await steps.run('helm test', async ({ log }) => {
    const out = await main.helmTest(log);
    assert.match(out, /Phase:\s+Succeeded/);
    assert.match(out, /auth and hotel are ready/);
    ctx.facts.push('helm test passed');
    return 'passed';
  });

  await steps.run('hotel set-up: the bootstrapped admin creates rooms and a staff member', async () => {
    const adminPassword = await main.secretValue(`${main.fullname}-auth`, 'admin-password');
    ctx.actors = await setUpHotel(ctx.api, adminPassword, 12);
    return `${ctx.actors.rooms.length} rooms`;
  });

  await steps.run('README "Try it" flow through the ingress (Traefik)', async () => {
    const booking = await tryIt(ctx.api, ctx.actors);
    ctx.acknowledged.push(booking.id);
    const fact = `Try it through the ingress: register → login → /me → availability → book (Idempotency-Key replayed) → notification → confirm → check-in → check-out (booking ${booking.id})`;
    ctx.facts.push(fact);
    return fact;
  });

  await steps.run('API docs and specs through the ingress', async () => {
    const docs = await ctx.api.get('/docs', { headers: { Accept: 'text/html' }, expect: 200 });
    assert.match(String(docs.headers['content-type']), /^text\/html/);
    assert.match(String(docs.body), /href="\/docs\/hotel"/, '/docs lists the API pages');
    const page = await ctx.api.get('/docs/hotel', { headers: { Accept: 'text/html' }, expect: 200 });
    assert.match(String(page.body), /<redoc spec-url="\/openapi\/hotel\.json">/);
    const script = await ctx.api.get('/docs/redoc.standalone.js', {
      headers: { Accept: '*/*' },
      expect: 200,
    });
    assert.ok(String(script.body).length > 100_000, 'the self-hosted Redoc bundle');
    const specs: string[] = [];
    for (const spec of ['auth', 'hotel']) {
      const yaml = await ctx.api.get(`/openapi/${spec}.yaml`, { headers: { Accept: '*/*' }, expect: 200 });
      assert.match(String(yaml.body), /^openapi: 3\./m);
      const json = await ctx.api.get<{ openapi: string; paths: object }>(`/openapi/${spec}.json`, {
        expect: 200,
      });
      assert.match(json.body.openapi, /^3\./);
      specs.push(`${spec} (${Object.keys(json.body.paths).length} paths)`);
    }
    const fact = `/docs (Redoc) and /openapi/{auth,hotel}.{yaml,json} served through Traefik: ${specs.join(', ')}`;
    ctx.facts.push(fact);
    return fact;
  });

  const beforeUpgrade = await main.currentRevision();
  await steps.run(
    `helm upgrade to ${UPGRADE_TAG} (new migration) under ${LOAD_RATE} req/s`,
    async ({ log }) => {
      const report = await underLoad(ctx, 'upgrade', () =>
        main.upgrade(log, ['--set', `image.tag=${UPGRADE_TAG}`]),
      );
      const failures = report.outcomes.filter(isFailure);
      assert.equal(
        failures.length,
        0,
        `failed requests during the upgrade: ${describeFailures(ctx, report.outcomes)}`,
      );
      await expectPods();
      const hotels = await main.pods('hotel');
      assert.ok(
        hotels.every((p) => p.spec.containers[0]!.image.endsWith(`:${UPGRADE_TAG}`)),
        'hotel runs the new image',
      );
      const applied: string[] = [];
      for (const pod of hotels) {
        const init = pod.status.initContainerStatuses!.find((s) => s.name === 'migrate')!.state.terminated!;
        const started = pod.status.containerStatuses!.find((s) => s.name === 'hotel')!.state.running!
          .startedAt;
        assert.equal(init.exitCode, 0);
        assert.ok(
          Date.parse(init.finishedAt) <= Date.parse(started),
          `${pod.metadata.name}: migrated before it started`,
        );
        const logs = await main.containerLogs(pod.metadata.name, 'migrate');
        for (const line of logs.split('\n').filter((l) => l.includes('"applied"'))) {
          applied.push(...((JSON.parse(line) as { applied: string[] }).applied ?? []));
        }
      }
      assert.deepEqual(
        applied,
        [UPGRADE_MIGRATION],
        'one new pod applied the new migration, the other found it done',
      );
      assert.equal(await main.sql(`SELECT count(*) FROM ${UPGRADE_TABLE}`), '1');
      const fact = `upgrade to image tag ${UPGRADE_TAG} with migration ${UPGRADE_MIGRATION}: applied by a migrate init container before its pod served; ${report.outcomes.length} requests at ${LOAD_RATE}/s during the rollout, 0 failed (${summarize(report.outcomes)})`;
      ctx.facts.push(fact);
      return fact;
    },
  );

  await steps.run(`helm rollback to revision ${beforeUpgrade} under load`, async ({ log }) => {
    const report = await underLoad(ctx, 'rollback', () => main.rollback(beforeUpgrade, log));
    const failures = report.outcomes.filter(isFailure);
    assert.equal(
      failures.length,
      0,
      `failed requests during the rollback: ${describeFailures(ctx, report.outcomes)}`,
    );
    await expectPods();
    for (const service of SERVICES) {
      const images = (await main.pods(service)).map((p) => p.spec.containers[0]!.image);
      assert.deepEqual(
        [...new Set(images)],
        [serviceImage(service, DEV_TAG)],
        `${service} runs the previous image again`,
      );
    }
    await servesBoth(ctx.api, 'the rolled-back release');
    const fact = `rollback to revision ${beforeUpgrade}: the previous images serve again (the additive migration stays); ${report.outcomes.length} requests, 0 failed`;
    ctx.facts.push(fact);
    return fact;
  });

  await steps.run('kill a hotel pod, then the PostgreSQL pod, under load', async ({ log }) => {
    const marks = { hotelKilled: 0, postgresKilled: 0, recovered: 0 };
    const report = await underLoad(
      ctx,
      'faults',
      async (load) => {
        const victim = (await main.pods('hotel'))[0]!.metadata.name;
        marks.hotelKilled = load.elapsed();
        await kubectl(['-n', main.namespace, 'delete', 'pod', victim, '--wait=false'], { log });
        await waitFor(
          'a replacement hotel pod',
          async () => {
            const hotels = await main.pods('hotel');
            return hotels.length === 2 && hotels.every((p) => p.metadata.name !== victim)
              ? await main.allReady(EXPECTED_PODS)
              : undefined;
          },
          180_000,
          1000,
        );
        await sleep(5000);
        marks.postgresKilled = load.elapsed();
        await kubectl(
          ['-n', main.namespace, 'delete', 'pod', `${main.fullname}-postgresql-0`, '--wait=false'],
          { log },
        );
        await sleep(2000);
        await waitFor(
          'PostgreSQL and both services Ready again',
          () => main.allReady(EXPECTED_PODS),
          300_000,
          1000,
        );
        marks.recovered = load.elapsed();
      },
      10_000,
    );
    const inWindow = (from: number, to: number) => report.outcomes.filter((o) => o.at >= from && o.at < to);
    const hotelWindow = inWindow(marks.hotelKilled, marks.postgresKilled).filter(isFailure);
    assert.equal(
      hotelWindow.length,
      0,
      `failed requests after the hotel pod was killed: ${describeFailures(ctx, hotelWindow)}`,
    );
    const outage = inWindow(marks.postgresKilled, marks.recovered + 5000).filter(isFailure);
    const not503 = outage.filter((o) => o.status !== 503);
    assert.equal(
      not503.length,
      0,
      `failures other than 503 while PostgreSQL restarted: ${describeFailures(ctx, not503)}`,
    );
    const after = inWindow(marks.recovered + 5000, Infinity).filter(isFailure);
    assert.equal(after.length, 0, `failures after recovery: ${describeFailures(ctx, after)}`);
    const missing = await missingBookings(ctx.api, ctx.actors.staff, ctx.acknowledged);
    assert.deepEqual(missing, [], 'every acknowledged booking is still there');
    await main.helmTest(log);
    const fact =
      `hotel pod killed under load: 0 failed requests; PostgreSQL pod killed: ${outage.length} × 503 ` +
      `within ${formatDuration(marks.recovered - marks.postgresKilled)} until everything was Ready again, nothing else; ` +
      `${ctx.acknowledged.length} acknowledged bookings, 0 lost; helm test passes again`;
    ctx.facts.push(fact);
    return fact;
  });

  await steps.run(
    'README: the load-test chart (k6 script as a Job, the k6 shim as its image)',
    async ({ log }) => {
      const job = 'myhotel-loadtest';
      const at = ctx.k6Image.lastIndexOf(':');
      // The chart pins grafana/k6, which no registry here serves: the Job runs the project's k6
      // shim (same scripts, same `k6 run` command line). 40 iterations with think time cut to a
      // tenth (a shim-only flag) cover every step of the smoke traffic cycle twice in seconds.
      // It runs in the README's shell session: the cluster block's `export KUBECONFIG=…` holds.
      const session = clusterCommands().install.filter((line) => line.startsWith('export KUBECONFIG='));
      const printed = await runReadme(
        [...session, ...loadTestCommands()],
        log,
        {
          to: 'helm install myhotel-loadtest',
          args: [
            `--set image.repository=${ctx.k6Image.slice(0, at)} --set image.tag=${ctx.k6Image.slice(at + 1)}`,
            `--set image.pullPolicy=Never --set-json 'k6.extraArgs=["--iterations=40","--sleep-scale=0.1"]'`,
          ].join(' '),
        },
        300_000,
      );
      const status = await waitFor(
        `job/${job} finished`,
        async () => {
          const j = await getJson<{ status: { succeeded?: number; failed?: number } }>([
            '-n',
            main.namespace,
            'job',
            job,
          ]);
          return j.status.succeeded || j.status.failed ? j.status : undefined;
        },
        180_000,
        1000,
      );
      const output = (await kubectl(['-n', main.namespace, 'logs', `job/${job}`], { log })).stdout;
      assert.equal(status.succeeded, 1, `the load-test Job failed:\n${output.slice(-2000)}`);
      assert.match(printed.stdout, /exit code 0/, 'kubectl logs -f showed the end-of-test summary');
      const contract = /contract check: (\d+) requests against openapi\/, 0 violations/.exec(output);
      assert.ok(
        contract && Number(contract[1]) > 0,
        `every request conformed to openapi/:\n${output.slice(-2000)}`,
      );
      await helm(['uninstall', job, '-n', main.namespace, '--wait'], { log });
      const fact = `load-test chart (README commands, image: the k6 shim): Job ${job} completed, smoke thresholds held, ${contract[1]} requests all conforming to openapi/`;
      ctx.facts.push(fact);
      return fact;
    },
  );

  await steps.run('Gateway API: HTTPRoute instead of the Ingress', async ({ log }) => {
    const host = 'myhotel.gateway.test';
    await main.upgrade(log, [
      '--set',
      'ingress.enabled=false',
      '--set',
      'httpRoute.enabled=true',
      '--set-json',
      `httpRoute.parentRefs=[{"name":"${GATEWAY.name}","namespace":"${GATEWAY.namespace}","sectionName":"${GATEWAY.listener}"}]`,
      '--set-json',
      `httpRoute.hostnames=["${host}"]`,
    ]);
    await waitFor(
      'the HTTPRoute accepted by the Gateway',
      async () => {
        const route = await getJson<{
          status?: { parents?: Array<{ conditions: Array<{ type: string; status: string }> }> };
        }>(['-n', main.namespace, 'httproute', main.fullname]);
        return route.status?.parents?.[0]?.conditions.some(
          (c) => c.type === 'Accepted' && c.status === 'True',
        )
          ? true
          : undefined;
      },
      60_000,
    );
    await servesBoth(ctx.api, 'requests routed by the HTTPRoute', host);
    await ctx.api.get('/.well-known/jwks.json', { host, expect: 200 });
    await ctx.api.get('/api/rooms', { expect: 404 }); // no Ingress any more: only the Gateway route serves
    await main.upgrade(log, ['--set', 'ingress.enabled=true', '--set', 'httpRoute.enabled=false']);
    await servesBoth(ctx.api, 'the Ingress serving again');
    const fact = `Gateway API: the chart's HTTPRoute (ingress disabled) accepted by Traefik's Gateway and serving ${host}`;
    ctx.facts.push(fact);
    return fact;
  });

  await steps.run('ServiceMonitor behind a value (Prometheus Operator CRD)', async ({ log }) => {
    await main.upgrade(log, ['--set', 'metrics.serviceMonitor.enabled=true']);
    const list = await getJson<{ items: Array<{ metadata: { name: string } }> }>([
      '-n',
      main.namespace,
      'servicemonitors',
    ]);
    assert.ok(list.items.length > 0, 'the ServiceMonitor was accepted by the API server');
    await main.upgrade(log, ['--set', 'metrics.serviceMonitor.enabled=false']);
    return list.items.map((i) => i.metadata.name).join(', ');
  });

  await steps.run('helm uninstall keeps the PVC and Secrets; a reinstall finds its data', async ({ log }) => {
    const adminPassword = await main.secretValue(`${main.fullname}-auth`, 'admin-password');
    await main.uninstall(log);
    await waitFor(
      'the release pods gone',
      async () => ((await main.pods()).length === 0 ? true : undefined),
      120_000,
    );
    const pvc = await getJson<{ status: { phase: string } }>([
      '-n',
      main.namespace,
      'pvc',
      `data-${main.fullname}-postgresql-0`,
    ]);
    assert.equal(pvc.status.phase, 'Bound');
    for (const secret of [`${main.fullname}-db`, `${main.fullname}-auth`])
      await getJson(['-n', main.namespace, 'secret', secret]);
    await main.install(log, [
      '--set-json',
      `networkPolicy.ingressController.namespaceSelector={"matchLabels":{"kubernetes.io/metadata.name":"${INGRESS_NAMESPACE}"}}`,
    ]);
    await expectPods();
    assert.equal(
      await main.secretValue(`${main.fullname}-auth`, 'admin-password'),
      adminPassword,
      'the admin password was kept',
    );
    await servesBoth(ctx.api, 'the reinstalled release behind the ingress');
    const admin = await ctx.api.login(ADMIN_EMAIL, adminPassword);
    const missing = await missingBookings(ctx.api, admin, ctx.acknowledged);
    assert.deepEqual(missing, [], 'the reinstalled release serves every booking made before');
    const fact = `helm uninstall kept PVC data-${main.fullname}-postgresql-0 and Secrets ${main.name}-db, ${main.name}-auth; reinstalled over them: same passwords, all ${ctx.acknowledged.length} bookings there`;
    ctx.facts.push(fact);
    return fact;
  });

  await steps.run(
    'GitOps mode: a hook Job creates the Secrets once (secrets.generator=job)',
    async ({ log }) => {
      // a second, small release, as Argo CD would deploy it: the chart renders no Secret at all
      const gitops = new Release('myhotel-gitops', 'gitops');
      const small = ['auth', 'hotel'].flatMap((s) => [
        '--set',
        `${s}.autoscaling.enabled=false`,
        '--set',
        `${s}.replicaCount=1`,
      ]);
      const values = ['--set', 'secrets.generator=job', '--set', 'ingress.enabled=false', ...small];
      const rendered = await helm([
        'template',
        gitops.name,
        chartDir,
        '-n',
        gitops.namespace,
        '-f',
        chartValuesFile,
        ...values,
      ]);
      assert.doesNotMatch(rendered.stdout, /^kind: Secret$/m, 'nothing for a GitOps diff to re-randomise');
      await gitops.createRestrictedNamespace(log);
      await gitops.install(log, values);
      await waitFor(
        'the GitOps release Ready',
        () => gitops.allReady({ auth: 1, hotel: 1, postgresql: 1 }),
        300_000,
        2000,
      );
      const names = [`${gitops.fullname}-db`, `${gitops.fullname}-auth`];
      const before = await Promise.all(names.map((n) => gitops.secret(n)));
      assert.match(before[1]!['jwt-private-key']!, /^-----BEGIN PRIVATE KEY-----/);
      // a second sync runs the hook again: it must keep every value
      await gitops.upgrade(log, ['--set', 'config.logLevel=debug']);
      const after = await Promise.all(names.map((n) => gitops.secret(n)));
      assert.deepEqual(after, before, 'the Secrets did not change on the next sync');
      assert.match(await gitops.helmTest(log), /auth and hotel are ready/);
      await gitops.uninstall(log);
      await kubectl(['delete', 'namespace', gitops.namespace, '--wait=false'], { log });
      const fact = `GitOps mode (secrets.generator=job): no Secret rendered; the hook Job created ${names.join(', ')} once and kept them on the next sync; helm test passed`;
      ctx.facts.push(fact);
      return fact;
    },
  );
}
