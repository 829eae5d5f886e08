// Preloaded by the benchmarks (NODE_OPTIONS=--require): appends the process's peak resident set
// size in KiB (worker threads included, they share the process) to $BENCH_RSS_FILE at exit.
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // A measurement that cannot be written is missing from the table, nothing more.
    }
  });
}
