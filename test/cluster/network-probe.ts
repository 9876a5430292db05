/**
 * Is a flow allowed by the NetworkPolicies actually enforced in the cluster? A short-lived pod
 * (restricted security context, the shell-tools image) in a given namespace, with given labels,
 * tries to open TCP connections and reports which succeeded. A new pod becomes a peer only once
 * the policy engine has programmed its address (seconds), so the pod retries until what it sees
 * is what the caller expects (at most 30 s), waits 5 s more and reports a last round: a flow
 * that opens late is still caught.
 */
import { shellToolsImage } from '../../scripts/cluster/images/base';
import { getJson, kubectl, waitFor } from '../../scripts/cluster/kube';

export interface Flow {
  name: string;
  host: string;
  port: number;
  /** Whether the policies should let it through. */
  open: boolean;
}

export async function probeFlows(
  namespace: string,
  labels: Record<string, string>,
  flows: Flow[],
  log: string,
): Promise<Record<string, boolean>> {
  const name = `netprobe-${Date.now().toString(36)}`;
  // bash's /dev/tcp: connected = open; refused or no answer within 3 s = closed
  const test = (f: Flow) =>
    `if timeout 3 bash -c 'exec 3<>/dev/tcp/${f.host}/${f.port}' 2>/dev/null; then r="$r ${f.name}=open"; else r="$r ${f.name}=closed"; fi`;
  const expected = flows.map((f) => `${f.name}=${f.open ? 'open' : 'closed'}`).join(' ');
  const round = `r=''; ${flows.map(test).join('; ')}`;
  const script = [
    `end=$((SECONDS + 30)); while [ $SECONDS -lt $end ]; do ${round}; [ "$r" = " ${expected}" ] && break; sleep 1; done`,
    'sleep 5',
    round,
    'echo "$r" | tr " " "\\n"',
  ].join('\n');
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
      120_000,
    );
    const out = (await kubectl(['-n', namespace, 'logs', name])).stdout;
    return Object.fromEntries(flows.map((f) => [f.name, new RegExp(`^${f.name}=open$`, 'm').test(out)]));
  } finally {
    await kubectl(['-n', namespace, 'delete', 'pod', name, '--wait=false'], { allowFailure: true, log });
  }
}
