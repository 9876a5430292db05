import { ConfigError } from '@myhotel/common';
import { launcherAdmin, type LocalSecrets } from './lib/local-stack';

const secrets = { adminPassword: 'generated-demo-password' } as LocalSecrets;

describe('the first admin of npm start', () => {
  it('is ADMIN_EMAIL/ADMIN_PASSWORD (and ADMIN_NAME) when set', () => {
    expect(
      launcherAdmin(
        { ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'a-long-admin-password', ADMIN_NAME: 'Ops' },
        secrets,
      ),
    ).toEqual({ email: 'ops@example.com', password: 'a-long-admin-password', name: 'Ops', configured: true });
  });

  it('is the generated demo admin otherwise', () => {
    expect(launcherAdmin({}, secrets)).toEqual({
      email: 'admin@myhotel.local',
      password: 'generated-demo-password',
      name: 'Demo Admin',
      configured: false,
    });
  });

  it.each([
    [{ ADMIN_EMAIL: 'ops@example.com' }, 'ADMIN_PASSWORD: Required when ADMIN_EMAIL is set'],
    [{ ADMIN_PASSWORD: 'a-long-admin-password' }, 'ADMIN_EMAIL: Required when ADMIN_PASSWORD is set'],
  ])('stops with the missing variable named when only one is set (%o)', (env, problem) => {
    expect(() => launcherAdmin(env, secrets)).toThrow(ConfigError);
    expect(() => launcherAdmin(env, secrets)).toThrow(problem);
  });
});
