/**
 * npm run test:cluster — charts/myhotel on a real single-node cluster (scripts/cluster), from
 * images built out of the repository's Dockerfile:
 *
 *   install (Pod Security restricted, NetworkPolicies enforced) → helm test → the README's
 *   "Try it" flow through the ingress controller → upgrade to an image with a new migration
 *   under paced load (0 failed requests) → rollback under load → a hotel pod and the PostgreSQL
 *   pod killed under load (only bounded 503s, no acknowledged booking lost) → the Gateway API
 *   route and the ServiceMonitor → uninstall keeps the PVC and Secrets (a reinstall finds its
 *   data) → the cluster is taken down, and nothing may be left running (test/cluster/phases.ts).
 *
 * MYHOTEL_CLUSTER_KEEP=1 leaves the cluster up afterwards (npm run cluster down to stop it).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  buildImages,
  buildTools,
  clusterState,
  DEV_TAG,
  down,
  endpoints,
  leftovers,
  own,
  ownerOtherThanMe,
  start,
} from '../../scripts/cluster/cluster';
import { writeChartValues } from '../../scripts/cluster/chart-values';
import { unsupportedHost } from '../../scripts/cluster/host-packages';
import { SERVICES, serviceImage } from '../../scripts/cluster/images/services';
import { kubectl } from '../../scripts/cluster/kube';
import { paths } from '../../scripts/cluster/layout';
import { errorMessage, formatDuration, StepRunner } from '../../scripts/lib/steps';
import { Api } from './api';
import { PodLogs } from './pod-logs';
import { main as release } from './release';
import { type Context, phases } from './phases';
import { buildUpgradeImages, UPGRADE_TAG } from './upgrade-image';

async function diagnose(): Promise<string> {
  const parts: string[] = [];
  for (const args of [
    ['get', 'nodes,pods', '-A', '-o', 'wide'],
    ['get', 'events', '-A', '--sort-by=.lastTimestamp'],
  ]) {
    const r = await kubectl(args, { allowFailure: true, timeoutMs: 15_000 }).catch((e: unknown) => ({
      stdout: '',
      stderr: errorMessage(e),
    }));
    parts.push(
      `$ kubectl ${args.join(' ')}\n${(r.stdout || r.stderr).trim().split('\n').slice(-40).join('\n')}`,
    );
  }
  return parts.join('\n\n');
}

async function main(): Promise<void> {
  const unsupported = unsupportedHost();
  if (unsupported) throw new Error(unsupported);
  const keep = process.env.MYHOTEL_CLUSTER_KEEP === '1';
  const t0 = Date.now();
  const other = ownerOtherThanMe();
  if (other) throw new Error(`another cluster test (pid ${other}) is using this cluster (${paths.root})`);
  const owner = await own();
  if (clusterState()) {
    console.log('a cluster is running: taking it down for a fresh one');
    await down(`${paths.root}/down.log`);
  }
  await fs.rm(paths.logs, { recursive: true, force: true });
  const steps = new StepRunner({ logDir: paths.logs, retry: 'npm run test:cluster' });
  const podLogs = new PodLogs(release.namespace, path.join(paths.logs, 'pods'));
  const ctx: Context = {
    podLogs,
    api: new Api(endpoints().ingressUrl),
    actors: { admin: '', staff: '', rooms: [] },
    acknowledged: [],
    facts: [],
  };
  let failure: unknown;
  try {
    const built = await buildTools(steps);
    const images = await buildImages(steps, built);
    await steps.run(`upgrade images (tag ${UPGRADE_TAG}: one more migration)`, async ({ log }) => {
      await buildUpgradeImages(log);
      return SERVICES.map((s) => serviceImage(s, UPGRADE_TAG)).join(', ');
    });
    images.chart.push(...SERVICES.map((s) => serviceImage(s, UPGRADE_TAG)));
    await start(steps, built, images);
    podLogs.start();
    await writeChartValues(DEV_TAG);
    ctx.facts.push(
      'node Ready (kubelet, containerd, kube-proxy, kube-router, CoreDNS, Traefik) in a network namespace with no route out',
    );
    ctx.facts.push(
      `images built from the Dockerfile: ${SERVICES.map((s) => serviceImage(s, DEV_TAG)).join(', ')} and :${UPGRADE_TAG}`,
    );
    await phases(steps, ctx);
  } catch (err) {
    failure = err;
    console.error(`\n${await diagnose()}`);
  } finally {
    podLogs.stop();
    if (keep) {
      console.log('MYHOTEL_CLUSTER_KEEP=1: the cluster stays up (npm run cluster down to stop it)');
    } else {
      await steps
        .run('cluster down (nothing may be left running)', async ({ log }) => {
          const report = await down(log);
          const left = await leftovers();
          assert.deepEqual(left, [], 'left behind by down');
          return `${report.swept} processes swept, ${report.unmounted} mounts removed, host restored: ${report.restored.join(', ') || 'nothing to do'}`;
        })
        .catch((err: unknown) => {
          failure ??= err;
        });
      if (!failure) ctx.facts.push('cluster down: no process, network namespace, mount or cgroup left');
    }
    await owner.release();
  }
  console.log(`\n${steps.summary()}\n`);
  for (const fact of ctx.facts) console.log(`  ✓ ${fact}`);
  if (failure) throw failure;
  console.log(`\ncluster test passed in ${formatDuration(Date.now() - t0)}`);
}

main().catch((err: unknown) => {
  console.error(`\ncluster test FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
