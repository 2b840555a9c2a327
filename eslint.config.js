// Lint rules, and the layering of the codebase written down as import rules, so CI fails when a layer reaches up
// (see ../README.md "Architecture"): front doors (app, ipc, cli, server) → engine → jobs → domain modules and store
// → contract. The renderer talks to the engine only through the contract.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Import specifiers (regular expressions over the string as written) that each layer must not use. */
const up = (dirs) => `^(\\.\\./)+(${dirs})(/|$)`
const LAYER = {
  electron: { regex: '^electron(/|$)', message: 'Only src-main/app, src-main/ipc and src-main/preload.ts may import electron.' },
  frontDoors: { regex: up('app|ipc|cli|server|preload'), message: 'Lower layers never import a front door.' },
  engine: { regex: up('engine'), message: 'Only front doors import the engine.' },
  jobs: { regex: up('jobs'), message: 'Only the engine (and job workers) import jobs/.' },
  store: { regex: up('store'), message: 'Domain modules do not touch the database.' },
  renderer: { regex: 'src-renderer', message: 'The engine never imports the renderer.' },
  node: { regex: '^(node:|(fs|path|os|child_process|worker_threads|crypto)$)', message: 'This layer runs in the browser: no Node built-ins.' },
}
const restrict = (...layers) => ({ 'no-restricted-imports': ['error', { patterns: layers }] })

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.cache/**', 'test/artifacts/**', 'bench/results/**', 'scripts/models/out/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The classic rules of hooks. The React Compiler's rules (refs, set-state-in-effect…) are left out: the app is
      // not compiled with it, and its idioms (refs read during render for stable callbacks) are deliberate here.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // The renderer imports only the contract from src-main (types and schemas), nothing with Node in it.
      'no-restricted-imports': [
        'error',
        {
          patterns: [LAYER.electron, LAYER.node, { regex: '^(\\.\\./)+src-main/(?!contract(/|$))', message: 'The renderer imports only src-main/contract.' }],
        },
      ],
    },
  },
  // The contract is the bottom layer: pure schemas shared by main, preload and renderer.
  {
    files: ['src-main/contract/**/*.ts'],
    rules: restrict(LAYER.electron, LAYER.node, LAYER.frontDoors, LAYER.engine, LAYER.jobs, LAYER.store, LAYER.renderer),
  },
  // Domain modules: no database, no jobs, no engine, no front doors, no electron.
  {
    files: ['src-main/{import,embed,analyze,export,evaluate,finetune}/**/*.ts'],
    rules: restrict(LAYER.electron, LAYER.frontDoors, LAYER.engine, LAYER.jobs, LAYER.store, LAYER.renderer),
  },
  { files: ['src-main/store/**/*.ts'], rules: restrict(LAYER.electron, LAYER.frontDoors, LAYER.engine, LAYER.jobs, LAYER.renderer) },
  { files: ['src-main/jobs/**/*.ts'], rules: restrict(LAYER.electron, LAYER.frontDoors, LAYER.engine, LAYER.renderer) },
  { files: ['src-main/engine/**/*.ts'], rules: restrict(LAYER.electron, LAYER.frontDoors, LAYER.renderer) },
  {
    files: ['src-main/server/**/*.ts'],
    rules: restrict(LAYER.electron, LAYER.jobs, LAYER.store, LAYER.renderer, {
      regex: '^(\\.\\./)+engine/(?!api$)',
      message: 'The server sees the engine only through engine/api (the EngineApi interface).',
    }),
  },
  // CLI commands go through the contract (cli/client.ts) only. The composition roots that open the engine or start
  // the server (engine-session.ts, serve.ts) and the machine set-up command (gpu.ts) are the exceptions.
  {
    files: ['src-main/cli/**/*.ts'],
    ignores: ['src-main/cli/engine-session.ts', 'src-main/cli/commands/serve.ts', 'src-main/cli/commands/gpu.ts'],
    rules: restrict(
      LAYER.electron,
      LAYER.jobs,
      LAYER.store,
      LAYER.renderer,
      { regex: '^(\\.\\./)+engine/(?!api$|version$)', message: 'CLI commands reach the engine only through the contract (cli/client.ts).' },
      {
        regex: up('import|embed|analyze|export|server|evaluate|finetune'),
        message: 'CLI commands reach the engine only through the contract (cli/client.ts).',
      },
    ),
  },
  { files: ['src-main/ipc/**/*.ts', 'src-main/app/**/*.ts'], rules: restrict(LAYER.jobs, LAYER.store, LAYER.renderer) },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.{js,ts}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
)
