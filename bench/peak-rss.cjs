// Preloaded by the benchmarks (NODE_OPTIONS=--require): appends the process's peak resident set
// size in KiB (worker threads included, they share the process) to $BENCH_RSS_FILE at exit, and
// its CPU seconds (user + system, all threads) to $BENCH_CPU_FILE when that is set.
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
const cpuFile = process.env.BENCH_CPU_FILE;
if (file || cpuFile) {
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage();
      if (file) appendFileSync(file, `${usage.maxRSS}\n`);
      if (cpuFile) appendFileSync(cpuFile, `${(usage.userCPUTime + usage.systemCPUTime) / 1e6}\n`);
    } catch {
      // A measurement that cannot be written is missing from the table, nothing more.
    }
  });
}
