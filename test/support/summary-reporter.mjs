// node:test reporter that ends a run with the plain line CI reads: "N passed, N failed, N skipped".
// Suites are not counted; a skipped test (with its reason) is. When CLAWFENCE_TEST_TALLY names a
// file, the counts are also appended there so scripts/test.sh can total several runs.
import { appendFileSync } from 'node:fs';

export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skips = [];
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') continue;
    if (event.type === 'test:fail') {
      failed++;
      failures.push(`FAILED ${d.file ?? ''} › ${d.name}`);
    } else if (d.skip !== undefined || d.todo !== undefined) {
      skipped++;
      skips.push(`SKIPPED ${d.name}: ${typeof d.skip === 'string' ? d.skip : typeof d.todo === 'string' ? d.todo : 'no reason given'}`);
    } else passed++;
  }
  for (const s of [...skips, ...failures]) yield `${s}\n`;
  const tally = process.env.CLAWFENCE_TEST_TALLY;
  if (tally) appendFileSync(tally, `${passed} ${failed} ${skipped}\n`);
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
