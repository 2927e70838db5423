// node:test reporter that ends the run with the plain line CI reads: "N passed, N failed, N skipped".
// Suites are not counted; a skipped test (with its reason printed by the spec reporter) is.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skips = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') continue;
    if (event.type === 'test:fail') failed++;
    else if (d.skip !== undefined || d.todo !== undefined) {
      skipped++;
      skips.push(`SKIPPED ${d.name}: ${typeof d.skip === 'string' ? d.skip : typeof d.todo === 'string' ? d.todo : 'no reason given'}`);
    } else passed++;
  }
  for (const s of skips) yield `${s}\n`;
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
