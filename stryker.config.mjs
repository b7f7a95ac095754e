/* global process */
// Mutation testing of the core modules (`npm run mutate`, docs/mutation.md). Not part of
// `npm test`: it rebuilds and reruns the judging tests once per mutant.
//
// Each module lists the files mutated and the compiled tests that judge them; when files
// move (functions/<x>/ → functions/sources/<x>/, a core/ layer), only these paths change.
// `MUTATE=events-handler,http-policy npm run mutate` limits a run to some modules.
const modules = {
  'platform-ingest': {
    mutate: ['functions/core/ingest.ts'],
    tests: ['foundation/ingest-helpers', 'foundation/platform', 'foundation/podcast-jobs'],
  },
  rows: {
    mutate: ['functions/platform/rows.ts'],
    tests: ['foundation/rows', 'foundation/platform', 'foundation/podcast-jobs'],
  },
  'warehouse-adapters': {
    mutate: [
      'functions/platform/warehouse.ts',
      'functions/platform/warehouse-duckdb.ts',
      'functions/platform/warehouse-bigquery.ts',
    ],
    tests: [
      'foundation/platform',
      'foundation/schemas',
      'adapters/gcp-adapters',
      'adapters/bigquery-errors',
      'adapters/podcast-slice-gcp',
      'events/durability',
    ],
  },
  'raw-landing': {
    mutate: ['functions/platform/raw-landing.ts'],
    tests: ['foundation/platform', 'foundation/podcast-jobs', 'adapters/gcp-adapters'],
  },
  'pubsub-subscriber': {
    mutate: ['functions/faces/pubsub/subscriber.ts'],
    tests: ['pubsub/subscriber', 'pubsub/subscriber-logs', 'pubsub/envelope', 'events/durability'],
  },
  'events-handler': {
    mutate: ['functions/faces/events/handler.ts', 'functions/platform/http-body.ts'],
    tests: [
      'foundation/http-body',
      'events/http',
      'events/limits',
      'events/auth',
      'events/dedup',
      'events/durability',
    ],
  },
  'http-policy': {
    mutate: ['functions/platform/http.ts', 'functions/platform/http-verdict.ts'],
    tests: [
      'foundation/http-verdicts',
      'foundation/http-policy',
      'foundation/http-client',
      'foundation/platform',
    ],
  },
};

const wanted = process.env.MUTATE ? process.env.MUTATE.split(',') : Object.keys(modules);
for (const name of wanted)
  if (!modules[name]) throw new Error(`unknown module ${name}: ${Object.keys(modules).join(', ')}`);
const chosen = wanted.map((name) => modules[name]);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'mocha',
  plugins: ['@stryker-mutator/mocha-runner'],
  // Stryker instruments the TypeScript (every mutant behind a switch), tsc compiles it once;
  // --noCheck: instrumented code loses inferred types (e.g. of zod schemas) that tests use.
  buildCommand: 'tsc -p tsconfig.json --noCheck',
  mutate: [...new Set(chosen.flatMap((m) => m.mutate))],
  disableTypeChecks: 'functions/**/*.ts',
  mochaOptions: {
    'no-config': true,
    spec: [...new Set(chosen.flatMap((m) => m.tests))].map((t) => `dist/test/${t}.test.js`),
  },
  coverageAnalysis: 'perTest',
  // Two cores shared with other work.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 15000,
  ignorePatterns: [
    'dist',
    'reports',
    '.stryker-tmp*',
    'terraform/.terraform',
    '.fanpulse',
    '*.duckdb*',
  ],
  tempDirName: process.env.MUTATE_TMP ?? '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: process.env.MUTATE_REPORT ?? 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
};
