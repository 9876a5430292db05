import { createDataSource, type DatabaseConfig } from '@myhotel/common';
import { CreateAuthTables1764000000000 } from '../../migrations/1764000000000-create-auth-tables';
import { CreateLoginFailures1764200000000 } from '../../migrations/1764200000000-create-login-failures';
import { CreateUserEvents1765000000000 } from '../../migrations/1765000000000-create-user-events';

const authMigrations = [
  CreateAuthTables1764000000000,
  CreateLoginFailures1764200000000,
  CreateUserEvents1765000000000,
];

export function createAuthDataSource(db: DatabaseConfig) {
  return createDataSource({
    db,
    schema: 'auth',
    applicationName: 'myhotel-auth',
    migrations: authMigrations,
  });
}
