import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrictImports = (patterns, paths = []) => ({
  'no-restricted-imports': ['error', { patterns, paths }],
});
const deepIntoPackages = {
  group: ['**/services/*/src', '**/services/*/src/**', '@myhotel/*/**'],
  message:
    "Import the package's public entry (@myhotel/auth, @myhotel/hotel, @myhotel/common), not its internals.",
};
const acrossServices = {
  group: ['@myhotel/auth', '@myhotel/hotel', '@myhotel/*/**', '../../../*/src/**', '../../*/src/**'],
  message: 'A service depends only on @myhotel/common, never on another service or on internals.',
};
const intoApi = {
  group: ['**/api', '**/api/**'],
  message: 'domain/ and data/ must not import api/ (the flow is api → domain → data).',
};
const intoDomain = {
  group: ['**/domain', '**/domain/**'],
  message: 'data/ must not import domain/ (the flow is api → domain → data).',
};
const expressInDomain = { name: 'express', message: 'domain/ holds no Express: routes live in api/.' };

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      'coverage/**',
      '**/generated/**',
      'k8s/**',
      'charts/**/templates/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Inside a service the flow goes one way (api → domain → data); across packages only the
  // public entries are used (@myhotel/common, @myhotel/auth, @myhotel/hotel: src/index.ts).
  { files: ['services/*/src/**/*.ts'], rules: restrictImports([acrossServices]) },
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: restrictImports([acrossServices, intoApi], [expressInDomain]),
  },
  {
    files: ['services/*/src/data/**/*.ts'],
    rules: restrictImports([acrossServices, intoApi, intoDomain]),
  },
  {
    files: [
      'services/*/test/**/*.ts',
      'test/**/*.ts',
      'scripts/**/*.ts',
      'loadtest/**/*.ts',
      'tooling/**/*.ts',
    ],
    rules: restrictImports([deepIntoPackages]),
  },
  { files: ['charts/**/*.ts'], rules: restrictImports([deepIntoPackages]) },
  {
    files: ['scripts/**', 'loadtest/**', '**/cli/**', 'test/cluster/**', 'charts/*/files/**'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
