// Adds the test runners' counts into one closing line: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0, failed = 0, skipped = 0;
const parts = [];
if (existsSync('test-results/vitest.json')) {
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  parts.push(`vitest ${r.numPassedTests}/${r.numTotalTests}`);
}
if (existsSync('test-results/e2e.json')) {
  const s = JSON.parse(readFileSync('test-results/e2e.json', 'utf8')).stats;
  passed += s.expected + (s.flaky ?? 0); failed += s.unexpected; skipped += s.skipped;
  parts.push(`playwright ${s.expected} passed, ${s.skipped} skipped`);
}
if (parts.length) console.log(parts.join('; '));
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
