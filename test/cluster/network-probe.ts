/**
 * Is a flow allowed by the NetworkPolicies actually enforced in the cluster? A short-lived pod
 * (restricted security context, the shell-tools image) in a given namespace, with given labels,
 * tries to open TCP connections and reports which succeeded.
 */
import { shellToolsImage } from '../../scripts/cluster/images/base';
import { getJson, kubectl, waitFor } from '../../scripts/cluster/kube';

export interface Flow {
  name: string;
  host: string;
  port: number;
}

export async function probeFlows(
  namespace: string,
  labels: Record<string, string>,
  flows: Flow[],
  log: string,
): Promise<Record<string, boolean>> {
  const name = `netprobe-${Date.now().toString(36)}`;
  // bash's /dev/tcp: connected = open; refused or no answer within 3 s = closed
  const script = flows
    .map(
      (f) =>
        `if timeout 3 bash -c 'exec 3<>/dev/tcp/${f.host}/${f.port}' 2>/dev/null; then echo "${f.name}=open"; else echo "${f.name}=closed"; fi`,
    )
    .join('\n');
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'probe',
          image: shellToolsImage,
          imagePullPolicy: 'Never',
          command: ['bash', '-c', script],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
  await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod), log });
  try {
    await waitFor(
      `probe pod ${namespace}/${name} to finish`,
      async () => {
        const p = await getJson<{ status: { phase: string } }>(['-n', namespace, 'pod', name]);
        return ['Succeeded', 'Failed'].includes(p.status.phase) ? true : undefined;
      },
      60_000,
    );
    const out = (await kubectl(['-n', namespace, 'logs', name])).stdout;
    return Object.fromEntries(flows.map((f) => [f.name, new RegExp(`^${f.name}=open$`, 'm').test(out)]));
  } finally {
    await kubectl(['-n', namespace, 'delete', 'pod', name, '--wait=false'], { allowFailure: true, log });
  }
}
