/**
 * `npm start`: the whole system on this machine. Embedded PostgreSQL (or DATABASE_URL),
 * bootstrap, migrations, demo data, auth + hotel as child processes, and a gateway on
 * PORT (8080) routing exactly as the Ingress does. Ctrl-C stops everything.
 */
import type { Server } from 'node:http';
import { migrateAuth } from '@myhotel/auth';
import { createMyHotelClient } from '@myhotel/client';
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

/** Demo staff and guest accounts, created through the public API (the typed client) on first start. */
async function ensureDemoUsers(authBase: string, secrets: LocalSecrets, admin: LauncherAdmin): Promise<void> {
  const api = createMyHotelClient({ baseUrl: authBase });
  const guest = await api.auth.POST('/api/auth/register', {
    body: { name: 'Demo Guest', email: demoUsers.guest, password: secrets.guestPassword },
  });
  if (![201, 409].includes(guest.response.status)) log(`demo guest not created (${guest.response.status})`);
  const staff = await api.auth.POST('/api/auth/register', {
    body: { name: 'Demo Staff', email: demoUsers.staff, password: secrets.staffPassword },
  });
  if (!staff.data) return; // 409: created on an earlier start
  try {
    await api.login(admin.email, admin.password);
  } catch (err) {
    log(`demo staff not promoted: the admin could not log in (${String(err)})`);
    return;
  }
  await api.auth.PATCH('/api/users/{id}', {
    params: { path: { id: staff.data.id } },
    body: { role: 'staff' },
  });
  await api.logout();
}

/**
 * What a user does first, through the gateway: the demo guest signs in and searches tonight's
 * free rooms. A launcher that cannot do this says so instead of printing "running".
 */
async function smokeCheck(gatewayBase: string, secrets: LocalSecrets): Promise<number> {
  const api = createMyHotelClient({ baseUrl: gatewayBase });
  await api.login(demoUsers.guest, secrets.guestPassword);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const { data, response } = await api.hotel.GET('/api/availability', {
    params: { query: { check_in: today, check_out: tomorrow, limit: 100 } },
  });
  await api.logout();
  if (!data) throw new Error(`smoke check: availability answered ${response.status}`);
  return data.items.length;
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
  await ensureDemoUsers(`http://127.0.0.1:${authPort}`, secrets, admin);

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
  const free = await smokeCheck(`http://127.0.0.1:${gatewayPort}`, secrets);
  log(`smoke check: the demo guest signed in and found ${free} free rooms for tonight through the gateway`);
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
