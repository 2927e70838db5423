// Preloaded into clawfence by the bench (node --import bench/mem-hook.mjs bin/clawfence.js …) in
// the warm-up run only: on exit it writes this process's own peak resident set size (kB,
// getrusage RUSAGE_SELF: the Node process alone, not its children) to $CLAWFENCE_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.CLAWFENCE_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // the bench reports the memory as not measured
    }
  });
}
