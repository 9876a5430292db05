/**
 * CustomResourceDefinitions the chart's optional objects target (its HTTPRoute and its
 * ServiceMonitor), from their projects' Go modules, so both the chart tests' API server and the
 * local cluster validate those objects against the real schemas.
 */
import { moduleFiles } from './go-build';
import { GATEWAY_API_VERSION, PROMETHEUS_OPERATOR_VERSION } from './versions';

/** Every CRD of the standard channel (Traefik watches the TLS and TCP routes too). */
export const GATEWAY_API_RESOURCES = [
  'gatewayclasses',
  'gateways',
  'httproutes',
  'grpcroutes',
  'referencegrants',
  'backendtlspolicies',
  'listenersets',
  'tlsroutes',
  'tcproutes',
  'udproutes',
];
/** Gateway API CRDs, standard channel. */
export const gatewayApiCrds = moduleFiles(
  'gateway-api-crds',
  'sigs.k8s.io/gateway-api',
  GATEWAY_API_VERSION,
  Object.fromEntries(
    GATEWAY_API_RESOURCES.map((r) => [
      `${r}.yaml`,
      `config/crd/standard/gateway.networking.k8s.io_${r}.yaml`,
    ]),
  ),
);

/** The ServiceMonitor CRD (Prometheus Operator), to validate the chart's ServiceMonitor server-side. */
export const serviceMonitorCrd = moduleFiles(
  'prometheus-operator-crds',
  'github.com/prometheus-operator/prometheus-operator',
  PROMETHEUS_OPERATOR_VERSION,
  { 'servicemonitors.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml' },
);
