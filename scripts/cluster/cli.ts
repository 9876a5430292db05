/**
 * npm run cluster up | down | status
 *
 * A real single-node Kubernetes cluster on this machine, assembled from registry packages only
 * (Debian, the Go module proxy, npm) inside a network namespace with no route out. See
 * docs/kubernetes.md ("A local cluster"). Needs Linux and root.
 */
import { StepRunner, errorMessage } from '../lib/steps';
import {
  buildImages,
  buildTools,
  clusterState,
  down,
  DEV_TAG,
  endpoints,
  leftovers,
  ownerOtherThanMe,
  start,
  status,
  unsupportedHost,
} from './cluster';
import { chartValuesFile, writeChartValues } from './chart-values';
import { paths } from './layout';
import { promises as fs } from 'node:fs';

const usage = 'usage: npm run cluster up | down | status';

async function up(): Promise<void> {
  const state = clusterState();
  if (state === 'up') {
    console.log('the cluster is already up\n');
    console.log(await status());
    return;
  }
  if (state === 'partial') {
    console.log('a previous cluster is partly running: taking it down first');
    await down(`${paths.logs}/down.log`);
  }
  await fs.rm(paths.logs, { recursive: true, force: true });
  const steps = new StepRunner({ logDir: paths.logs, retry: 'npm run cluster down && npm run cluster up' });
  const built = await buildTools(steps);
  const images = await buildImages(steps, built);
  await start(steps, built, images);
  await writeChartValues(DEV_TAG);
  const { kubeconfig, ingressUrl } = endpoints();
  console.log(`\n${steps.summary()}\n`);
  console.log(`cluster up. From this machine:
  export KUBECONFIG=${kubeconfig}
  kubectl get pods -A                          # kubectl: node_modules/.cache/myhotel-tools/kubectl/kubectl
  helm install myhotel charts/myhotel -n myhotel --create-namespace -f ${chartValuesFile}
  curl ${ingressUrl}/api/rooms                 # the ingress (Traefik); README "Try it" with this URL
  npm run cluster down                         # stops everything, leaves nothing running`);
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const unsupported = unsupportedHost();
  if (unsupported && command !== undefined) throw new Error(unsupported);
  const owner = ownerOtherThanMe();
  if (owner && (command === 'up' || command === 'down')) {
    throw new Error(`the cluster test (pid ${owner}) is using this cluster and will take it down itself`);
  }
  switch (command) {
    case 'up':
      return up();
    case 'down': {
      const report = await down(`${paths.root}/down.log`);
      const left = await leftovers();
      console.log(
        `cluster down: ${report.killed.length ? `killed ${report.killed.join(', ')} after the grace period; ` : ''}` +
          `${report.swept} leftover processes swept, ${report.unmounted} mounts removed` +
          `${report.restored.length ? `; host restored: ${report.restored.join(', ')}` : ''}`,
      );
      if (left.length) throw new Error(`left behind:\n  ${left.join('\n  ')}`);
      return;
    }
    case 'status':
      console.log(await status());
      return;
    default:
      console.error(usage);
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  console.error(`npm run cluster ${process.argv[2] ?? ''}: ${errorMessage(err)}`);
  process.exit(1);
});
