// Creates the chart's Secrets that do not exist yet and never changes one that does
// (secrets.generator=job). Runs in the auth image (Node.js) as a pre-install/pre-upgrade hook,
// with a ServiceAccount that may only get and create Secrets in the release namespace.
// MYHOTEL_SECRETS: [{ "name": "...", "labels": {...}, "data": { "<key>": "password:<length>" | "ed25519" } }]
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

const account = '/var/run/secrets/kubernetes.io/serviceaccount';
const token = readFileSync(`${account}/token`, 'utf8').trim();
const namespace = readFileSync(`${account}/namespace`, 'utf8').trim();
const ca = readFileSync(`${account}/ca.crt`);
const { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } = process.env;

function api(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        method,
        ca,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body && JSON.stringify(body));
  });
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function generate(kind) {
  if (kind === 'ed25519')
    return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  const length = Number(/^password:(\d+)$/.exec(kind)?.[1]);
  if (!length) throw new Error(`unknown secret kind ${kind}`);
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

for (const secret of JSON.parse(process.env.MYHOTEL_SECRETS)) {
  const path = `/api/v1/namespaces/${namespace}/secrets`;
  const existing = await api('GET', `${path}/${secret.name}`);
  if (existing.status === 200) {
    console.log(`secret ${secret.name}: exists, kept as it is`);
    continue;
  }
  if (existing.status !== 404)
    throw new Error(`GET secret ${secret.name}: ${existing.status} ${existing.text}`);
  const stringData = Object.fromEntries(
    Object.entries(secret.data).map(([key, kind]) => [key, generate(kind)]),
  );
  const created = await api('POST', path, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret.name, labels: secret.labels },
    type: 'Opaque',
    stringData,
  });
  if (created.status === 409) console.log(`secret ${secret.name}: created meanwhile by another run, kept`);
  else if (created.status === 201)
    console.log(`secret ${secret.name}: created (${Object.keys(stringData).join(', ')})`);
  else throw new Error(`POST secret ${secret.name}: ${created.status} ${created.text}`);
}
