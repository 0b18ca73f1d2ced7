// Lint: TypeScript's recommended rules plus the module boundaries of STYLE.md §3.
// Each heavy or dangerous dependency has one home; every message says where to go instead.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const only = (name, home) => ({
  name,
  message: `${name} is imported only in ${home}; call that module instead.`,
});

const heavy = [
  only('electron', 'main/app/ and preload/index.ts'),
  only('better-sqlite3', 'main/db/'),
  only('onnxruntime-node', 'native/ort/'),
  only('sharp', 'native/preprocess/'),
  only('chokidar', 'main/watch/'),
];
const except = (...names) => heavy.filter((rule) => !names.includes(rule.name));

const restrict = (paths, patterns = []) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'events', 'url', 'worker_threads'],
  message: 'This code runs in the sandboxed renderer too: no Node built-ins here (the renderer asks main through renderer/api).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', '.cache/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Tests poke at JSON lines and protocol bodies whose shape is the point of the test.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/app/**', 'main/db/**', 'main/watch/**'],
    rules: restrict(heavy, [
      { group: ['**/renderer/**'], message: 'main/ never imports the renderer.' },
      { group: ['**/preload/index*'], message: 'Use preload/contract; preload/index.ts is the sandboxed bridge.' },
    ]),
  },
  { files: ['main/db/**/*.ts'], rules: restrict(except('better-sqlite3')) },
  { files: ['main/watch/**/*.ts'], rules: restrict(except('chokidar')) },
  {
    files: ['main/app/**/*.ts'],
    rules: restrict(except('electron'), [{ group: ['**/renderer/**'], message: 'main/app never imports the renderer.' }]),
  },
  {
    files: ['native/**/*.ts'],
    ignores: ['native/ort/**', 'native/preprocess/**'],
    rules: restrict(heavy, [
      { group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'native/ is a compute library: it knows nothing of the app.' },
    ]),
  },
  { files: ['native/ort/**/*.ts'], rules: restrict(except('onnxruntime-node')) },
  { files: ['native/preprocess/**/*.ts'], rules: restrict(except('sharp')) },
  {
    files: ['preload/contract/**/*.ts'],
    rules: restrict(heavy, [
      nodeBuiltins,
      { group: ['**/main/**', '**/native/**', '**/renderer/**'], message: 'The contract is pure: schemas and types only.' },
    ]),
  },
  {
    files: ['preload/index.ts'],
    rules: restrict(except('electron'), [nodeBuiltins, { group: ['**/main/**', '**/native/**'], message: 'The preload holds no logic.' }]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...restrict(heavy, [
        nodeBuiltins,
        { group: ['**/main/**', '**/native/**'], message: 'The renderer reaches main only through renderer/api.' },
        {
          regex: '(^|/)preload/contract(/(?!(?:names|lines)$)[^/]+)?$',
          allowTypeImports: true,
          message: 'The renderer imports the contract for types only (and the plain modules names.ts and lines.ts, which import nothing).',
        },
      ]),
    },
  },
);
