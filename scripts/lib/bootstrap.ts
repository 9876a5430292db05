import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

const bootstrapDir = join(__dirname, '..', '..', 'db', 'bootstrap');

export interface ServicePasswords {
  auth: string;
  hotel: string;
}

/** Substitutes psql-style variables (:'name' → literal, :"name" → identifier) as psql -v does. */
export function substitutePsqlVariables(sql: string, variables: Record<string, string>): string {
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
