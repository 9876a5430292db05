/**
 * npm run test:cluster — charts/myhotel on a real single-node cluster (scripts/cluster), from
 * images built out of the repository's Dockerfile, driven by the README's own cluster commands
 * (readme-commands.ts: `npm run cluster up`, the install, `npm run cluster down`):
 *
 *   install (Pod Security restricted, NetworkPolicies enforced) → helm test → the README's
 *   "Try it" flow through the ingress controller → upgrade to an image with a new migration
 *   under paced load (0 failed requests) → rollback under load → a hotel pod and the PostgreSQL
 *   pod killed under load (only bounded 503s, no acknowledged booking lost) → the load-test
 *   chart's Job → the Gateway API route and the ServiceMonitor → uninstall keeps the PVC and
 *   Secrets (a reinstall finds its data) → GitOps secrets mode → the cluster is taken down, and
 *   nothing may be left running (test/cluster/phases.ts).
 *
 * MYHOTEL_CLUSTER_KEEP=1 leaves the cluster up afterwards (npm run cluster down to stop it).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  clusterState,
  DEV_TAG,
  down,
  endpoints,
  leftovers,
  own,
  ownerOtherThanMe,
} from '../../scripts/cluster/cluster';
import { unsupportedHost } from '../../scripts/cluster/host-packages';
import { importImages } from '../../scripts/cluster/images';
import { SERVICES, serviceImage } from '../../scripts/cluster/images/services';
import { kubectl } from '../../scripts/cluster/kube';
import { paths } from '../../scripts/cluster/layout';
import { errorMessage, formatDuration, StepRunner } from '../../scripts/lib/steps';
import { Api } from './api';
import { buildK6ShimImage } from './k6-shim-image';
import { PodLogs } from './pod-logs';
import { main as release } from './release';
import { type Context, phases } from './phases';
import { clusterCommands, runReadme } from './readme-commands';
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

/** The step table `npm run cluster up` printed (its per-step build and start times). */
function upSummary(output: string): string {
  const lines = output.split('\n');
  const end = lines.findIndex((l) => l.startsWith('cluster up'));
  const start = lines.slice(0, Math.max(end - 1, 0)).lastIndexOf('');
  return end > 0 ? `\nnpm run cluster up:\n${lines.slice(start + 1, end).join('\n')}` : '';
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
  // `npm run cluster up` empties paths.logs: the test's own logs go next to it
  const testLogs = path.join(paths.root, 'test-logs');
  await fs.rm(testLogs, { recursive: true, force: true });
  const steps = new StepRunner({ logDir: testLogs, retry: 'npm run test:cluster' });
  const podLogs = new PodLogs(release.namespace, path.join(testLogs, 'pods'));
  const readme = clusterCommands();
  const ctx: Context = {
    podLogs,
    api: new Api(endpoints().ingressUrl),
    actors: { admin: '', staff: '', rooms: [] },
    acknowledged: [],
    facts: [],
    k6Image: '',
  };
  let failure: unknown;
  try {
    let upOutput = '';
    await steps.run(
      `README: ${readme.up} (builds or reuses everything, starts the cluster)`,
      async ({ log }) => {
        upOutput = (await runReadme([readme.up], log)).stdout;
        return `ingress on ${endpoints().ingressUrl}`;
      },
    );
    console.log(upSummary(upOutput));
    ctx.api = new Api(endpoints().ingressUrl);
    await steps.run(
      `upgrade images (tag ${UPGRADE_TAG}: one more migration) and the k6 shim image, imported`,
      async ({ log }) => {
        await buildUpgradeImages(log);
        ctx.k6Image = await buildK6ShimImage(log);
        const images = [...SERVICES.map((s) => serviceImage(s, UPGRADE_TAG)), ctx.k6Image];
        await importImages(images, log);
        return images.join(', ');
      },
    );
    podLogs.start();
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
        .run(`README: ${readme.down} (nothing may be left running)`, async ({ log }) => {
          const printed = await runReadme([readme.down], log).catch(async (err: unknown) => {
            await down(log); // whatever happened, nothing stays up
            throw err;
          });
          const left = await leftovers();
          assert.deepEqual(left, [], 'left behind by down');
          return printed.stdout.trim().split('\n').at(-1);
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
