// A node:test reporter that counts leaf tests and writes one line: "N passed, N failed, N skipped".
// scripts/test.mjs prints that line last, as CI reads it. Suites and file wrappers are not counted;
// a file that fails to load still counts as one failure (it has no leaf tests to fail).
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    const isSuite = data.details?.type === 'suite';
    if (isSuite && !(event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed')) continue;
    if (data.skip !== undefined && data.skip !== false) skipped += 1;
    else if (data.todo !== undefined && data.todo !== false) skipped += 1;
    else if (event.type === 'test:pass') passed += 1;
    else {
      // A file wrapper fails with 'subtestsFailed' when a leaf failed: already counted.
      if (data.details?.error?.failureType === 'subtestsFailed') continue;
      failed += 1;
      failures.push(`${data.file ?? ''} :: ${data.name}`);
    }
  }
  for (const f of failures) yield `failed: ${f}\n`;
  yield `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
