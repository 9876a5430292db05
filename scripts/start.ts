/**
 * `npm start`: the whole system on this machine. Embedded PostgreSQL (or DATABASE_URL),
 * bootstrap, migrations, demo data, auth + hotel as child processes, and a gateway on
 * PORT (8080) routing exactly as the Ingress does. Ctrl-C stops everything.
 */
import type { Server } from 'node:http';
import { migrateAuth } from '@myhotel/auth';
import { migrateHotel, seedDemo } from '@myhotel/hotel';
import { startGateway } from './gateway';
import { seedFrontDesk } from './lib/demo-front-desk';
import {
  launcherAdmin,
  localSecrets,
  prepareLocalDatabase,
  type LauncherAdmin,
  type LocalSecrets,
} from './lib/local-stack';
import { freePort } from '../tooling/free-port';
import { startService, stopNodeProcess, type NodeProcess } from '../tooling/node-process';

const log = (line: string) => console.log(`[myhotel] ${line}`);
const gatewayPort = Number(process.env.PORT ?? 8080);
const demoUsers = {
  staff: 'staff@myhotel.local',
  guest: 'guest@myhotel.local',
};

const services: NodeProcess[] = [];
let gateway: Server | undefined;
let stopDatabase: () => Promise<void> = async () => undefined;
let stopping = false;

/** A service as a child process sharing our output; its unexpected exit stops everything. */
async function startLocalService(name: 'auth' | 'hotel', env: NodeJS.ProcessEnv): Promise<void> {
  const service = await startService(name, {
    env: { ...process.env, ...env },
    port: Number(env.PORT),
    output: 'inherit',
  });
  services.push(service);
  void service.exited.then(({ code, signal }) => {
    if (stopping) return;
    log(`${name} exited unexpectedly (${signal ?? code}); stopping`);
    void shutdown(1);
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  gateway?.close();
  await Promise.all(services.map((service) => stopNodeProcess(service, 15_000)));
  await stopDatabase().catch((err: unknown) => log(`postgres stop: ${String(err)}`));
  log('stopped');
  process.exit(code);
}

/** Demo staff and guest accounts, created through the public API on first start. */
async function ensureDemoUsers(authPort: number, secrets: LocalSecrets, admin: LauncherAdmin): Promise<void> {
  const api = (path: string, body: unknown, token?: string, method = 'POST') =>
    fetch(`http://127.0.0.1:${authPort}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const guest = await api('/api/auth/register', {
    name: 'Demo Guest',
    email: demoUsers.guest,
    password: secrets.guestPassword,
  });
  const staff = await api('/api/auth/register', {
    name: 'Demo Staff',
    email: demoUsers.staff,
    password: secrets.staffPassword,
  });
  if (staff.status === 201) {
    const login = await api('/api/auth/login', { email: admin.email, password: admin.password });
    if (login.status !== 200) log(`demo staff not promoted: the admin could not log in (${login.status})`);
    else {
      const { access_token } = (await login.json()) as { access_token: string };
      const { id } = (await staff.json()) as { id: string };
      await api(`/api/users/${id}`, { role: 'staff' }, access_token, 'PATCH');
    }
  }
  if (![201, 409].includes(guest.status)) log(`demo guest not created (${guest.status})`);
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));
  const secrets = localSecrets();
  const admin = launcherAdmin(process.env, secrets);
  const db = await prepareLocalDatabase(secrets, log);
  stopDatabase = db.stop;
  log(`database: ${db.description}`);

  const [authPort, hotelPort] = await Promise.all([freePort(), freePort()]);
  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    JWT_ISSUER: 'myhotel-auth',
    JWT_AUDIENCE: 'myhotel',
    SHUTDOWN_DELAY_MS: '0',
  };
  const authEnv = {
    ...common,
    PORT: String(authPort),
    DATABASE_URL: db.authUrl,
    JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ADMIN_NAME: admin.name,
    TRUST_PROXY: '1',
  };
  const applied = await migrateAuth(authEnv);
  log(`auth migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
  await startLocalService('auth', authEnv);
  if (admin.configured) log(`admin: ${admin.email} from ADMIN_EMAIL/ADMIN_PASSWORD (created if absent)`);
  await ensureDemoUsers(authPort, secrets, admin);

  const upstreams = { auth: `http://127.0.0.1:${authPort}`, hotel: `http://127.0.0.1:${hotelPort}` };
  {
    const hotelEnv = {
      ...common,
      PORT: String(hotelPort),
      DATABASE_URL: db.hotelUrl,
      JWKS_URL: `http://127.0.0.1:${authPort}/.well-known/jwks.json`,
      TRUST_PROXY: '1',
    };
    const hotelApplied = await migrateHotel(hotelEnv);
    log(`hotel migrations: ${hotelApplied.length ? hotelApplied.join(', ') : 'up to date'}`);
    const seeded = await seedDemo(hotelEnv);
    if (seeded > 0) log(`demo data: ${seeded} rooms`);
    await startLocalService('hotel', hotelEnv);
    const demo = await seedFrontDesk(
      upstreams,
      { email: demoUsers.staff, password: secrets.staffPassword },
      { email: demoUsers.guest, password: secrets.guestPassword },
    );
    if (demo) log(demo);
  }

  gateway = await startGateway(gatewayPort, upstreams);
  log('');
  log(`MyHotel is running at http://localhost:${gatewayPort}`);
  log(`  admin  ${admin.email}  ${admin.configured ? '(password from ADMIN_PASSWORD)' : admin.password}`);
  log(`  staff  ${demoUsers.staff}  ${secrets.staffPassword}`);
  log(`  guest  ${demoUsers.guest}  ${secrets.guestPassword}`);
  log(
    `  try:   curl -s -X POST http://localhost:${gatewayPort}/api/auth/login -H 'Content-Type: application/json' \\`,
  );
  log(`           -d '{"email":"${demoUsers.guest}","password":"${secrets.guestPassword}"}'`);
  log('Press Ctrl-C to stop.');
}

main().catch(async (err: unknown) => {
  console.error('[myhotel] start failed:', err instanceof Error ? err.message : err);
  await shutdown(1);
});
