/**
 * kubectl and helm against the local cluster (the host-side kubeconfig, API server through the
 * loopback bridge), and polling until a condition holds.
 */
import { exec, type ExecResult } from '../lib/exec';
import { ensureHelm, ensureKubectl } from '../tools';
import { paths } from './layout';

export interface KubeOptions {
  input?: string;
  allowFailure?: boolean;
  log?: string;
  timeoutMs?: number;
}

export async function kubectl(args: string[], options: KubeOptions = {}): Promise<ExecResult> {
  return exec(await ensureKubectl(), ['--kubeconfig', paths.kubeconfig, ...args], options);
}

export async function helm(args: string[], options: KubeOptions = {}): Promise<ExecResult> {
  return exec(await ensureHelm(), ['--kubeconfig', paths.kubeconfig, ...args], options);
}

/** The JSON of `kubectl get ... -o json`. */
export async function getJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse((await kubectl(['get', ...args, '-o', 'json'])).stdout) as T;
}

/** Server-side apply of objects (CRDs are too large for client-side apply's annotation). */
export async function apply(objects: unknown[], log?: string): Promise<void> {
  await kubectl(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=myhotel-cluster', '-f', '-'],
    {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
      log,
    },
  );
}

/** Polls `probe` until it returns a value (not undefined); rejects after timeoutMs with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message.split('\n')[0]}` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until every named Deployment (namespace/name) has all replicas available. */
export async function waitForDeployments(names: string[], timeoutMs: number, log?: string): Promise<void> {
  for (const full of names) {
    const [ns, name] = full.split('/') as [string, string];
    await kubectl(
      ['-n', ns, 'rollout', 'status', `deployment/${name}`, `--timeout=${Math.round(timeoutMs / 1000)}s`],
      { log },
    );
  }
}
