import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

const bootstrapDir = join(__dirname, '..', 'db', 'bootstrap');

export interface ServicePasswords {
  auth: string;
  hotel: string;
}

/** Substitutes psql-style variables (:'name' → literal, :"name" → identifier) as psql -v does. */
function substitutePsqlVariables(sql: string, variables: Record<string, string>): string {
  return sql.replace(/:(['"])([a-z_]+)\1/g, (_match, quote: string, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`bootstrap SQL needs psql variable ${name}`);
    return quote === "'" ? `'${value.replace(/'/g, "''")}'` : `"${value.replace(/"/g, '""')}"`;
  });
}

async function runBootstrapFile(
  superuserUrl: string,
  file: string,
  variables: Record<string, string>,
): Promise<void> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query(substitutePsqlVariables(readFileSync(join(bootstrapDir, file), 'utf8'), variables));
  } finally {
    await client.end();
  }
}

/** db/bootstrap/01-roles.sql: the service login roles (cluster-wide, once). */
export function bootstrapRoles(superuserUrl: string, passwords: ServicePasswords): Promise<void> {
  return runBootstrapFile(superuserUrl, '01-roles.sql', {
    auth_password: passwords.auth,
    hotel_password: passwords.hotel,
  });
}

/** db/bootstrap/02-database.sql: extensions and per-service schemas in one database. */
export function bootstrapDatabase(superuserUrl: string, database: string): Promise<void> {
  return runBootstrapFile(superuserUrl, '02-database.sql', { database });
}

export interface BootstrappedDatabase {
  /** The superuser's URL of the new database. */
  superuserUrl: string;
  /** A service's login role's URL of the new database. */
  urlFor(role: keyof ServicePasswords): string;
}

/**
 * A server made ready as in production, idempotently: the service roles (created or their
 * passwords set), the database `database` (created if absent) and its extensions and
 * schemas. `serverUrl` is a superuser URL; its database path, if any, is ignored.
 */
export async function bootstrapServer(
  serverUrl: string,
  passwords: ServicePasswords,
  database = 'myhotel',
): Promise<BootstrappedDatabase> {
  const at = (db: string, user?: string, password?: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${db}`;
    if (user !== undefined && password !== undefined) {
      url.username = user;
      url.password = encodeURIComponent(password);
    }
    return url.toString();
  };
  await bootstrapRoles(at('postgres'), passwords);
  const client = new Client({ connectionString: at('postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  await bootstrapDatabase(at(database), database);
  return { superuserUrl: at(database), urlFor: (role) => at(database, role, passwords[role]) };
}
