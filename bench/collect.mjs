#!/usr/bin/env node
// Collecting N make-corpus posts: cold (empty archive), again with nothing changed, and again with
// one new post. Prints medians of RUNS runs and their ratios to the cold run (the machine is shared
// and noisy: compare ratios measured in the same run, not absolute times across runs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const makeCorpus = join(root, '../shared/tools/make-corpus');
const size = Number(process.env.BENCH_N ?? 10_000);
const runs = Number(process.env.RUNS ?? 3);

function time(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [cli, ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const work = mkdtempSync(join(tmpdir(), 'zhoukan-bench-collect-'));
const posts = join(work, 'posts');
execFileSync(makeCorpus, ['--n', String(size), '--out', posts], { stdio: 'ignore' });

const cold = [];
const unchanged = [];
const oneNew = [];
for (let run = 0; run < runs; run++) {
  const data = join(work, `data-${run}`);
  cold.push(time(['collect', '--source', posts, '--data', data]));
  unchanged.push(time(['collect', '--source', posts, '--data', data]));
  writeFileSync(
    join(posts, `zz-new-${run}.md`),
    `---\ntitle: 新的一篇 ${run}\ndate: 2022-06-08 10:00\n---\n<p>这是第${run}次测量时加入的一篇新文章。</p>\n`,
  );
  oneNew.push(time(['collect', '--source', posts, '--data', data]));
}
rmSync(work, { recursive: true, force: true });

const base = median(cold);
const rows = [
  ['cold (empty archive)', base],
  ['again, nothing changed', median(unchanged)],
  ['again, one new post', median(oneNew)],
];
console.log(`collect, ${size} posts, median of ${runs} runs (whole command, start-up included)`);
for (const [name, seconds] of rows) {
  console.log(`  ${name.padEnd(24)} ${seconds.toFixed(3).padStart(8)} s   ${(seconds / base).toFixed(3)} × cold`);
}
