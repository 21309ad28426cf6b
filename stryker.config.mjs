// StrykerJS over the hand-written code (core/ and client/): `npm run mutants`, report in out/mutants/.
// Runner: the tap runner, each test file a `node --import tsx` process, with per-file coverage
// (perTest), so a mutant runs only the test files that reach it (the command runner would run the
// whole suite for every mutant). No type checker: @stryker-mutator/typescript-checker needs the
// TypeScript compiler's JavaScript API, which TypeScript 7 (our compiler) no longer has; mutants
// that would not compile still run (tsx strips types) and are judged by the tests.
// Narrow runs: STRYKER_TESTS (comma-separated globs) picks the test files,
//   STRYKER_TESTS='tests/routing-*.test.ts' npm run mutants -- --mutate core/routing/route-snapshot.ts
// STRYKER_NAME keeps a narrow run's report and incremental file apart from the others' (out/mutants/NAME/).
const dir = `out/mutants/${process.env.STRYKER_NAME ?? 'all'}`;
// The default: every test file that runs code of core/ or client/. Left out: the tool and document
// checks (API docs, diagrams, architecture, CLI help, demo, package, timeline page, xstate pin, the
// watchdog's planted hangs), which read the repository around the sandbox and exercise no mutant.
const tests = process.env.STRYKER_TESTS?.split(',').filter((g) => g !== '') ?? [
  'tests/{client,routing,wire,driver,executor,linearizability,trace,onebox}*.test.ts',
  'properties/*.test.ts',
];

export default {
  testRunner: 'tap',
  tap: {
    testFiles: tests,
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  checkers: [],
  // Stryker rewrites tsconfig paths with the TypeScript API (absent in TypeScript 7); ours needs no
  // rewriting (no extends or references outside the project), so point it at no file at all.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  mutate: ['core/**/*.ts', 'client/**/*.ts', '!**/*.d.ts'],
  ignorePatterns: ['/out', '/dist', '/bench/results', '/.tmp', '*.tgz'],
  incremental: true,
  incrementalFile: `${dir}/stryker-incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${dir}/index.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  tempDirName: 'out/.stryker-tmp',
  cleanTempDir: true,
  concurrency: 2,
  timeoutMS: 10000,
  thresholds: { high: 90, low: 80, break: null },
};
