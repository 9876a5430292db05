/**
 * The cluster's add-ons that are Go programs, built from the Go module proxy (cached, see
 * scripts/lib/go-build.ts): CoreDNS (cluster DNS), kube-router (NetworkPolicy enforcement),
 * local-path-provisioner (PersistentVolumes) and Traefik (the ingress controller and Gateway API
 * implementation the cluster test drives).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { type GoBuild, goLinkerVars, goModuleSource, moduleFiles } from '../lib/go-build';
import {
  COREDNS_VERSION,
  GO_HTTP_AUTH_VERSION,
  KUBE_ROUTER_VERSION,
  LOCAL_PATH_PROVISIONER_VERSION,
  TRAEFIK_VERSION,
} from '../lib/versions';

// CoreDNS with the plugins a cluster's DNS needs, in CoreDNS's plugin.cfg order. No `forward`
// (so no `loop` either): the cluster has no route out, names outside cluster.local fail at once.
const COREDNS_PLUGINS = ['reload', 'ready', 'health', 'errors', 'log', 'loadbalance', 'cache', 'kubernetes'];
const COREDNS_MAIN = `package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
${COREDNS_PLUGINS.map((p) => `\t_ "github.com/coredns/coredns/plugin/${p}"`).join('\n')}
)

func init() {
	dnsserver.Directives = []string{${COREDNS_PLUGINS.map((p) => `"${p}"`).join(', ')}}
}

func main() {
	coremain.Run()
}
`;

export const corednsBuild: GoBuild = {
  name: `coredns-v${COREDNS_VERSION}`,
  recipe: { COREDNS_VERSION, COREDNS_MAIN },
  binaries: ['coredns'],
  async build({ out, work, go }) {
    await fs.writeFile(path.join(work, 'go.mod'), 'module myhotel-coredns\n\ngo 1.25\n');
    await fs.writeFile(path.join(work, 'main.go'), COREDNS_MAIN);
    await go(['get', `github.com/coredns/coredns@v${COREDNS_VERSION}`], work);
    await go(['mod', 'tidy'], work);
    const ldflags = [
      '-s',
      '-w',
      ...goLinkerVars('github.com/coredns/coredns/coremain', { GitCommit: `v${COREDNS_VERSION}` }),
    ];
    await go(['build', '-v', '-ldflags', ldflags.join(' '), '-o', path.join(out, 'coredns'), '.'], work);
  },
};

/** `go install` of a main package at a version (modules without replace directives). */
function goInstall(
  name: string,
  version: string,
  pkg: string,
  versionVars: Record<string, Record<string, string>>,
): GoBuild {
  return {
    name: `${name}-v${version}`,
    recipe: { version, pkg, versionVars },
    binaries: [name],
    async build({ out, work, go }) {
      const ldflags = [
        '-s',
        '-w',
        ...Object.entries(versionVars).flatMap(([p, vars]) => goLinkerVars(p, vars)),
      ];
      await go(['install', '-v', '-ldflags', ldflags.join(' '), `${pkg}@v${version}`], work, {
        GOBIN: out,
        GOFLAGS: '',
      });
    },
  };
}

export const kubeRouterBuild = goInstall(
  'kube-router',
  KUBE_ROUTER_VERSION,
  'github.com/cloudnativelabs/kube-router/v2/cmd/kube-router',
  { 'github.com/cloudnativelabs/kube-router/v2/pkg/version': { Version: `v${KUBE_ROUTER_VERSION}` } },
);

export const localPathProvisionerBuild = goInstall(
  'local-path-provisioner',
  LOCAL_PATH_PROVISIONER_VERSION,
  'github.com/rancher/local-path-provisioner',
  { main: { VERSION: `v${LOCAL_PATH_PROVISIONER_VERSION}` } },
);

// Traefik, built in place from its own module (its go.mod with its replace lines), with three
// workarounds for modules the proxy here refuses ("403 This module version is not available"):
//  - the nested module github.com/traefik/traefik/dynamic/ext is not in the proxy: it is two
//    empty extension types upstream, recreated here;
//  - Traefik's fork github.com/containous/go-http-auth is not in the proxy: upstream
//    abbot/go-http-auth plus the one method the fork adds (RequireAuthStale);
//  - several lego DNS-challenge providers' SDKs are refused: lego's provider list keeps only the
//    SDK-free generic providers (ACME DNS challenges are not used here; routing is untouched).
const TRAEFIK_EXT_GO = `// Package ext holds the extension points of Traefik's dynamic configuration (empty upstream).
package ext

// HTTP extends dynamic.HTTP.
type HTTP struct{}

// Router extends dynamic.Router.
type Router struct{}
`;
const GO_HTTP_AUTH_STALE_GO = `package auth

import "net/http"

// RequireAuthStale answers like RequireAuth with stale=true in the challenge (RFC 7616 3.3):
// the client's credentials were right but its nonce expired. Traefik calls it; upstream lacks it.
func (da *DigestAuth) RequireAuthStale(w http.ResponseWriter, r *http.Request) {
	da.RequireAuth(staleChallenge{ResponseWriter: w, header: da.Headers.V().Authenticate}, r)
}

type staleChallenge struct {
	http.ResponseWriter
	header string
}

func (s staleChallenge) WriteHeader(code int) {
	s.Header().Set(s.header, s.Header().Get(s.header)+", stale=true")
	s.ResponseWriter.WriteHeader(code)
}
`;
const LEGO_KEPT_DNS_PROVIDERS = ['exec', 'httpreq', 'manual'];

/** lego's generated provider factory, reduced to the kept providers. */
function filterLegoProviders(source: string, legoModule: string, keep: readonly string[]): string {
  const kept = new Set(keep);
  const escaped = legoModule.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return source
    .replace(new RegExp(`^\\t"${escaped}/providers/dns/([a-z0-9]+)"\\n`, 'gm'), (line, p: string) =>
      kept.has(p) ? line : '',
    )
    .replace(/^\tcase [^\n]*:\n\t\treturn ([a-z0-9]+)\.NewDNSProvider\(\)\n/gm, (block, p: string) =>
      kept.has(p) ? block : '',
    );
}

async function writableCopy(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
  await fs.chmod(to, 0o755);
  for (const entry of await fs.readdir(to, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    await fs.chmod(file, entry.isDirectory() ? 0o755 : 0o644);
  }
}

export const traefikBuild: GoBuild = {
  name: `traefik-v${TRAEFIK_VERSION}`,
  recipe: {
    TRAEFIK_VERSION,
    GO_HTTP_AUTH_VERSION,
    TRAEFIK_EXT_GO,
    GO_HTTP_AUTH_STALE_GO,
    LEGO_KEPT_DNS_PROVIDERS,
  },
  binaries: ['traefik'],
  async build({ out, work, go, note }) {
    const src = path.join(work, 'traefik');
    await writableCopy(
      await goModuleSource(go, work, `github.com/traefik/traefik/v3@v${TRAEFIK_VERSION}`),
      src,
    );
    const ext = path.join(src, 'pkg', 'config', 'dynamic', 'ext');
    await fs.mkdir(ext, { recursive: true });
    await fs.writeFile(
      path.join(ext, 'go.mod'),
      'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n',
    );
    await fs.writeFile(path.join(ext, 'ext.go'), TRAEFIK_EXT_GO);

    const httpAuth = path.join(work, 'go-http-auth');
    await writableCopy(
      await goModuleSource(go, work, `github.com/abbot/go-http-auth@${GO_HTTP_AUTH_VERSION}`),
      httpAuth,
    );
    await fs.writeFile(path.join(httpAuth, 'stale.go'), GO_HTTP_AUTH_STALE_GO);

    const legoVersion = /^\s*github\.com\/go-acme\/lego\/v5 (v\S+)/m.exec(
      await fs.readFile(path.join(src, 'go.mod'), 'utf8'),
    )?.[1];
    if (!legoVersion) throw new Error('traefik go.mod: no github.com/go-acme/lego/v5 requirement');
    const lego = path.join(work, 'lego');
    await writableCopy(await goModuleSource(go, work, `github.com/go-acme/lego/v5@${legoVersion}`), lego);
    const factory = path.join(lego, 'providers', 'dns', 'zz_gen_dns_providers.go');
    if (!existsSync(factory)) throw new Error(`lego ${legoVersion}: no ${factory}`);
    await fs.writeFile(
      factory,
      filterLegoProviders(
        await fs.readFile(factory, 'utf8'),
        'github.com/go-acme/lego/v5',
        LEGO_KEPT_DNS_PROVIDERS,
      ),
    );
    note(`lego ${legoVersion}: DNS providers kept: ${LEGO_KEPT_DNS_PROVIDERS.join(', ')}`);

    await go(
      [
        'mod',
        'edit',
        `-replace=github.com/abbot/go-http-auth=${httpAuth}`,
        `-replace=github.com/go-acme/lego/v5=${lego}`,
      ],
      src,
    );
    const ldflags = [
      '-s',
      '-w',
      ...goLinkerVars('github.com/traefik/traefik/v3/pkg/version', { Version: `v${TRAEFIK_VERSION}` }),
    ];
    await go(
      ['build', '-v', '-ldflags', ldflags.join(' '), '-o', path.join(out, 'traefik'), './cmd/traefik'],
      src,
    );
  },
};

/** local-path-provisioner's own deployment manifest. */
export const localPathManifest = moduleFiles(
  'local-path-storage',
  'github.com/rancher/local-path-provisioner',
  LOCAL_PATH_PROVISIONER_VERSION,
  { 'local-path-storage.yaml': 'deploy/local-path-storage.yaml' },
);
