import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const manifests = [
  'package.json',
  'services/common/package.json',
  'services/auth/package.json',
  'services/hotel/package.json',
];
const exact = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

describe('supply chain', () => {
  it.each(manifests)('%s pins every dependency to an exact version', (file) => {
    const manifest = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const loose = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([, version]) => !exact.test(version),
    );
    expect(loose).toEqual([]);
  });

  it('commits a lockfile v3 whose registry packages all carry a sha512 integrity hash', () => {
    const file = join(root, 'package-lock.json');
    expect(existsSync(file)).toBe(true);
    const lock = JSON.parse(readFileSync(file, 'utf8')) as {
      lockfileVersion: number;
      packages: Record<string, { integrity?: string; link?: boolean; inBundle?: boolean }>;
    };
    expect(lock.lockfileVersion).toBe(3);
    const unverified = Object.entries(lock.packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && !p.link && !p.inBundle) // bundled: covered by the parent's hash
      .filter(([, p]) => !p.integrity?.startsWith('sha512-'))
      .map(([path]) => path);
    expect(unverified).toEqual([]);
  });
});
