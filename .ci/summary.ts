// Adds the test runners' counts into one closing line: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const VitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number().default(0),
  numTotalTests: z.number(),
});
const PlaywrightReport = z.object({
  stats: z.object({ expected: z.number(), unexpected: z.number(), skipped: z.number(), flaky: z.number().default(0) }),
});

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
const parts: string[] = [];
if (existsSync('reports/vitest.json')) {
  const r = VitestReport.parse(read('reports/vitest.json'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  parts.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed of ${r.numTotalTests}`);
}
if (existsSync('reports/e2e.json')) {
  const { stats } = PlaywrightReport.parse(read('reports/e2e.json'));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
  parts.push(
    `playwright: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`,
  );
}
for (const part of parts) console.log(part);

// Measurements the end-to-end tests record as annotations (e.g. how soon the shop ends a session whose console died).
const Annotated = z.object({
  title: z.string(),
  tests: z
    .array(
      z.object({
        annotations: z.array(z.object({ type: z.string(), description: z.string().optional() })).default([]),
      }),
    )
    .default([]),
});
interface SuiteJson {
  suites?: SuiteJson[];
  specs?: unknown[];
}
function measurements(suite: SuiteJson): string[] {
  const own = (suite.specs ?? []).flatMap((spec) => {
    const parsed = Annotated.safeParse(spec);
    if (!parsed.success) return [];
    return parsed.data.tests.flatMap((t) =>
      t.annotations
        .filter((a) => a.description !== undefined)
        .map((a) => `  ${a.type}: ${a.description ?? ''} (${parsed.data.title})`),
    );
  });
  return [...own, ...(suite.suites ?? []).flatMap(measurements)];
}
if (existsSync('reports/e2e.json')) {
  const found = measurements(read('reports/e2e.json') as SuiteJson);
  if (found.length > 0) console.log(['measured in end-to-end tests:', ...found].join('\n'));
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
