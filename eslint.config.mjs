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

// Floors (ARCHITECTURE.md §2): core → db/engine → domains → api → transports; a folder imports only from below.
const transportFolders = ['main/api/**/*.ts', 'main/server/**/*.ts', 'main/cli/**/*.ts'];
const mainPatterns = [
  { group: ['**/renderer/**'], message: 'main/ never imports the renderer.' },
  { group: ['**/preload/index*'], message: 'Use preload/contract; preload/index.ts is the sandboxed bridge.' },
  { group: ['**/db/handle*'], message: 'The database handle is opaque outside main/db: call its query functions.' },
];
const noApi = {
  regex: '^(\\.\\./)+api(/|$)',
  message: 'A domain never imports main/api (the catalogue sits above it): take what you need from main/core, or announce an event on the bus.',
};
const coreFloor = {
  regex: '^\\.\\./(projects|datasets|labels|watch|training|evaluation|models|jobs|settings|server|cli|app)(/|$)',
  message: 'main/core is the ground floor: it imports no domain and no transport.',
};
const engineFloor = {
  regex: '^\\.\\./(db|projects|datasets|labels|watch|training|evaluation|models|jobs|settings|server|cli|app)(/|$)',
  message: 'main/engine knows pixels, models and samples: never the database or a domain (the domains call it).',
};
const modelsOffTraining = {
  regex: '^\\.\\./training(/|$)',
  message: 'main/models does not import main/training (training asks models for a new version, never the reverse).',
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
    ignores: ['main/app/**', 'main/db/**', 'main/watch/**', 'main/core/**', ...transportFolders],
    rules: restrict(heavy, [...mainPatterns, noApi]),
  },
  { files: transportFolders, rules: restrict(heavy, mainPatterns) },
  { files: ['main/core/**/*.ts'], rules: restrict(heavy, [...mainPatterns, noApi, coreFloor]) },
  { files: ['main/engine/**/*.ts'], rules: restrict(heavy, [...mainPatterns, noApi, engineFloor]) },
  { files: ['main/models/**/*.ts'], rules: restrict(heavy, [...mainPatterns, noApi, modelsOffTraining]) },
  { files: ['main/db/**/*.ts'], rules: restrict(except('better-sqlite3'), [...mainPatterns, noApi]) },
  { files: ['main/watch/**/*.ts'], rules: restrict(except('chokidar'), [...mainPatterns, noApi]) },
  {
    files: ['main/app/**/*.ts'],
    rules: restrict(except('electron'), [{ group: ['**/renderer/**'], message: 'main/app never imports the renderer.' }]),
  },
  {
    // SQL lives in main/db/queries; domains call query functions, never prepare statements themselves.
    files: ['main/**/*.ts'],
    ignores: ['main/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(exec|pragma|transaction)$/][callee.object.property.name='db']",
          message: 'SQL lives only in main/db: add a query function to main/db/queries (or use transaction() from main/db).',
        },
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='prepare']",
          message: 'Statements are prepared only in main/db: add a query function to main/db/queries.',
        },
      ],
    },
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
          regex: '(^|/)preload/contract(/(?!(?:names|lines|files|imageLimits|async|messages)$)[^/]+)?$',
          allowTypeImports: true,
          message: 'The renderer imports the contract for types only (and the plain modules names.ts, lines.ts, files.ts, imageLimits.ts, async.ts and messages.ts, which import nothing outside them).',
        },
      ]),
    },
  },
);
