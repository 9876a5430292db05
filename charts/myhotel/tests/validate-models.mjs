// Validates Kubernetes objects against the OpenAPI schemas of `kubernetes-models` (ESM-only,
// which is why this runs as a plain Node.js child process rather than inside jest).
// stdin: JSON array of objects. stdout: JSON array of { index, kind, name, error } (empty: all valid).
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const failures = [];
for (const [index, obj] of objects.entries()) {
  const name = obj?.metadata?.name;
  const kind = obj?.kind;
  try {
    const [group, version] = String(obj.apiVersion).includes('/')
      ? String(obj.apiVersion).split('/')
      : [null, obj.apiVersion];
    const modulePath = group
      ? `kubernetes-models/${group}/${version}/${kind}`
      : `kubernetes-models/${version}/${kind}`;
    const mod = await import(modulePath);
    const Model = mod[kind] ?? mod.default;
    if (typeof Model !== 'function') throw new Error(`no model for ${obj.apiVersion} ${kind}`);
    new Model(obj).validate();
  } catch (err) {
    failures.push({ index, kind, name, error: String(err?.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(failures));
