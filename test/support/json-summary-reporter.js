// Writes jest's aggregated results (the same object `jest --json` prints) to a file, so CI can sum several runs
// while `npm run check` stays the one command that runs every gate.
const { writeFileSync } = require('node:fs');

class JsonSummaryReporter {
  constructor(_globalConfig, options) {
    this.file = options.file;
  }

  onRunComplete(_contexts, results) {
    const {
      numPassedTests,
      numFailedTests,
      numPendingTests,
      numRuntimeErrorTestSuites,
      numTotalTests,
      success,
    } = results;
    const failures = results.testResults
      .filter((r) => r.numFailingTests > 0 || r.testExecError)
      .map((r) => r.testFilePath);
    writeFileSync(
      this.file,
      JSON.stringify({
        numPassedTests,
        numFailedTests,
        numPendingTests,
        numRuntimeErrorTestSuites,
        numTotalTests,
        success,
        failures,
      }),
    );
  }
}

module.exports = JsonSummaryReporter;
