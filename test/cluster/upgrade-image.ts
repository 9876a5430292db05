/**
 * The "next version" for the upgrade test: the working tree as it is, plus one new hotel
 * migration (an additive table, so the previous version keeps working after a rollback),
 * built from the same Dockerfile under another tag. The migration exists only in this image.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exec } from '../../scripts/lib/exec';
import { buildServiceImages } from '../../scripts/cluster/images/services';
import { repoRoot } from '../../scripts/tools';

export const UPGRADE_TAG = 'upgrade';
/** A fixed, far-future timestamp: the image is rebuilt from cache when nothing else changed. */
export const UPGRADE_MIGRATION = 'ClusterUpgradeProbe4102444800000';
export const UPGRADE_TABLE = 'hotel.cluster_upgrade_probe';

const MIGRATION_SOURCE = `import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Only in the cluster test's upgrade image: shows that new pods migrate before they serve. */
export class ${UPGRADE_MIGRATION} implements MigrationInterface {
  name = '${UPGRADE_MIGRATION}';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE ${UPGRADE_TABLE} (id integer PRIMARY KEY, migrated_at timestamptz NOT NULL DEFAULT now())');
    await q.query('INSERT INTO ${UPGRADE_TABLE} (id) VALUES (1)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ${UPGRADE_TABLE}');
  }
}
`;

/** Adds the migration to hotel's list in data-source.ts (fails loudly if that file changed shape). */
function registerMigration(dataSource: string): string {
  const list = /((?:export )?const hotelMigrations = \[)([^\]]*)\]/;
  if (!list.test(dataSource))
    throw new Error('services/hotel/src/data/data-source.ts: no `const hotelMigrations = [...]` to extend');
  return `import { ${UPGRADE_MIGRATION} } from '../../migrations/${UPGRADE_MIGRATION}';\n${dataSource.replace(
    list,
    // a trailing comma (prettier's multi-line list) would otherwise leave a hole in the array
    (_, declaration: string, items: string) =>
      `${declaration}${items.trim().replace(/,$/, '')}, ${UPGRADE_MIGRATION}]`,
  )}`;
}

export async function buildUpgradeImages(log: string): Promise<void> {
  const context = await fs.mkdtemp(path.join(os.tmpdir(), 'myhotel-upgrade-'));
  try {
    const files = (
      await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot })
    ).stdout
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      const from = path.join(repoRoot, file);
      if (!(await fs.stat(from).catch(() => undefined))?.isFile()) continue; // deleted in the working tree
      await fs.mkdir(path.dirname(path.join(context, file)), { recursive: true });
      await fs.copyFile(from, path.join(context, file));
    }
    await fs.writeFile(
      path.join(context, 'services/hotel/migrations', `${UPGRADE_MIGRATION}.ts`),
      MIGRATION_SOURCE,
    );
    const dataSource = path.join(context, 'services/hotel/src/data/data-source.ts');
    await fs.writeFile(dataSource, registerMigration(await fs.readFile(dataSource, 'utf8')));
    await buildServiceImages({ context, tag: UPGRADE_TAG, log });
  } finally {
    await fs.rm(context, { recursive: true, force: true });
  }
}
