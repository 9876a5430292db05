import { ConfigError, runMain } from '@myhotel/common';
import { loadAuthConfig } from '../config';
import { createAuthDataSource } from '../data/data-source';
import { UserRepository } from '../data/user-repository';
import { UserService } from '../domain/users';

/** `npm run create-admin -w services/auth`: creates ADMIN_EMAIL / ADMIN_PASSWORD if absent. */
async function main(): Promise<void> {
  const config = loadAuthConfig();
  const { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME } = config.env;
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD)
    throw new ConfigError(['ADMIN_EMAIL and ADMIN_PASSWORD: both required']);
  const dataSource = createAuthDataSource(config.db);
  await dataSource.initialize();
  try {
    const users = new UserService(new UserRepository(dataSource));
    const created = await users.ensureAdmin({
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
      name: ADMIN_NAME,
    });
    console.log(
      created ? `admin ${ADMIN_EMAIL} created` : `an account ${ADMIN_EMAIL} already exists; nothing changed`,
    );
  } finally {
    await dataSource.destroy();
  }
}

runMain(main);
