import type { Agent } from 'node:http';
import type { Client } from 'pg';
import { killAllNodeProcesses } from '../../tooling/node-process';

/** What a test against real processes may leave open. */
export interface OpenResources {
  agents?: Agent[];
  clients?: Client[];
  jwks?: { close(): Promise<void> };
  db?: { drop(): Promise<void> };
}

/** afterAll of such a test: the processes first (they hold connections), then the rest. */
export async function releaseAll({ agents = [], clients = [], jwks, db }: OpenResources): Promise<void> {
  await killAllNodeProcesses();
  for (const agent of agents) agent.destroy();
  for (const client of clients) await client.end().catch(() => undefined);
  await jwks?.close();
  await db?.drop();
}
