import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the one plain closing line CI reads: `N passed, N failed, N skipped`.
 * A test file that fails to load counts as one failed test, so a broken file can't hide.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      let count = 0;
      for (const test of mod.children.allTests()) {
        count += 1;
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (count === 0 || mod.state() === 'failed') {
        if (mod.errors().length > 0) failed += 1;
      }
    }
    // A run that executes no test proves nothing: count it as a failure.
    if (passed + failed === 0) failed += 1;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (failed > 0) process.exitCode = 1;
  }
}
