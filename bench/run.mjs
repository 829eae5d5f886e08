#!/usr/bin/env node
// `npm run bench`: zhoukan against Hexo + hexo-generator-feed on the same make-corpus posts.
//
// For each size (BENCH_SIZES, default 1000,10000,100000) and each of RUNS runs (default 3) on a
// fresh archive, times whole commands, start-up included. The build, as a cron job or the service
// runs it every half hour: `zhoukan update` (collect, clean, pages, feeds, theme pages)
//   cold         an empty archive and output folder
//   unchanged    again, nothing changed
//   one new      again, one post added
// then the digest, `zhoukan digest` (the same, then the weekly e-mail):
//   week         `zhoukan digest --week 2022-W22 --dry-run`: the digest of one week of the corpus
//   digest       the digest of what is new; no SMTP, so the e-mail goes to the outbox
//   then with SMTP (a sink in this process), once the digest went out (untimed):
//   sent, unchanged   nothing changed, nothing new to send
//   sent, one new     one post added: a digest of it is sent
// At 10,000 posts, Hexo's cold `hexo generate`, its rerun with nothing changed and with one post
// added each run just before the matching step of ours, so that a ratio compares the two tools on
// the machine as it was at that minute. That Hexo writes only the two feeds; for comparison, the
// same site with Hexo's default theme, which writes a page per post as zhoukan does, runs a cold
// `hexo generate` just after our cold run. Before each timed command the disk is flushed (`sync`).
// Prints medians, peak RSS (worker threads included) and the ratios to Hexo, as a Markdown table.
//
// Then bench/subscribers.mjs and bench/instances.mjs, each with its own table (see their headers).
// Knobs: BENCH_SIZES=1000,10000  RUNS=3  BENCH_SKIP_HEXO=1  BENCH_DIR (corpora and archives,
// default $TMPDIR/zhoukan-bench, kept between runs)  HEXO_DIR  BENCH_JSON=file (raw results)
// BENCH_CLI=path/to/cli.js (another build to compare).
// Times are wall clock of the whole process, start-up included. Needs `npm run compile` first.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = process.env.BENCH_CLI ?? join(root, 'dist/cli.js');
const shared = join(root, '../shared/tools');
const makeCorpus = join(shared, 'make-corpus');
const peakRss = join(root, 'bench/peak-rss.cjs');

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map((size) => Number(size.trim())).filter((size) => size > 0);
const runs = Math.max(1, Number(process.env.RUNS ?? 3));
const skipHexo = process.env.BENCH_SKIP_HEXO === '1';
const work = process.env.BENCH_DIR ?? join(tmpdir(), 'zhoukan-bench');
const hexoDir = process.env.HEXO_DIR ?? '/tmp/hexobench';
const HEXO_SIZE = 10_000;
/** The corpus spans the 8 weeks before 2022-06-08 (make-corpus defaults); this one is whole. */
const WEEK = '2022-W22';
const TARGETS = { coldShare: 1 / 4, unchangedShare: 1 / 20, oneNewAt100k: 2, rssAt100kMiB: 512, themesSeconds: 3 };

if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing; run \`npm run compile\` first (npm run bench does)`);
  process.exit(2);
}

const startLoad = loadavg();
const startedAt = new Date();
mkdirSync(work, { recursive: true });

// ---- measuring

/**
 * Runs a command to the end: wall seconds, peak RSS in MiB. Asynchronous, so the SMTP sink of this
 * process answers meanwhile.
 */
async function measure(file, args, options = {}) {
  const rssFile = join(work, `rss-${process.pid}.txt`);
  rmSync(rssFile, { force: true });
  const env = { ...cleanEnv(), ...options.env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require ${peakRss}` };
  // Whatever the previous step wrote or deleted reaches the disk before the clock starts, for both
  // tools: a scheduled run starts long after the last one's writes were flushed, and the bench's
  // own clean-up (the previous run's archive and pages, 160 MB at 10k) is not the timed command's work.
  spawnSync('sync');
  const start = process.hrtime.bigint();
  const child = spawn(file, args, { cwd: options.cwd ?? work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const [code, signal] = await new Promise((resolve) => child.on('close', (...outcome) => resolve(outcome)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`${[file, ...args].join(' ')} exited with ${code ?? signal}\n${stderr}`);
  const rss = existsSync(rssFile) ? Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024 : Number.NaN;
  rmSync(rssFile, { force: true });
  return { seconds, rssMiB: rss, stdout };
}

/** An SMTP server on 127.0.0.1 that accepts everything (smtp-server, a devDependency). */
async function startSmtpSink() {
  const { SMTPServer } = await import('smtp-server');
  let received = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        callback(null);
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.server.address().port,
    get received() {
      return received;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The environment without ZHOUKAN_* and SMTP settings, so a developer's own setup does not leak in. */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ZHOUKAN_') && !key.startsWith('SMTP')) env[key] = value;
  return env;
}

function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(samples) {
  return {
    seconds: median(samples.map((sample) => sample.seconds)),
    min: Math.min(...samples.map((sample) => sample.seconds)),
    max: Math.max(...samples.map((sample) => sample.seconds)),
    rssMiB: median(samples.map((sample) => sample.rssMiB)),
    peakRssMiB: Math.max(...samples.map((sample) => sample.rssMiB)),
    runs: samples.length,
    each: samples.map((sample) => sample.seconds),
  };
}

function log(message) {
  process.stderr.write(`bench: ${message}  [load ${loadavg().map((value) => value.toFixed(2)).join(' ')}]\n`);
}

// ---- zhoukan

/** A make-corpus folder of `size` posts, made once and kept (a marker records the arguments). */
function corpus(size) {
  const folder = join(work, `corpus-${size}`);
  const marker = join(work, `corpus-${size}.done`);
  const args = ['--n', String(size), '--out', folder, '--now', '2022-06-08T00:00:00Z', '--seed', '1'];
  if (existsSync(marker) && readFileSync(marker, 'utf8') === args.join(' ') && readdirSync(folder).length === size) return folder;
  rmSync(folder, { recursive: true, force: true });
  rmSync(marker, { force: true });
  log(`writing ${size} posts with make-corpus`);
  const made = spawnSync(makeCorpus, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (made.status !== 0) throw new Error(`make-corpus failed (${made.status})`);
  writeFileSync(marker, args.join(' '));
  return folder;
}

const NEW_POST = (run) => `
---
title: 新的一篇：第${run + 1}次测量时加入的文章
date: Wed, 08 Jun 2022 10:00:00 GMT
categories:
- 金融
- 新浪财经
---
<p>这是第${run + 1}次测量时加入的一篇新文章，用来测量只多了一篇文章时重新运行要花多少时间。</p>
<p>央行今日开展逆回购操作，市场流动性保持合理充裕。</p>
`;

/** `peer`: Hexo's steps, at HEXO_SIZE; each runs just before ours. */
async function benchZhoukan(size, smtp, peer) {
  const posts = corpus(size);
  await peer?.warmUp();
  const samples = { cold: [], unchanged: [], oneNew: [], week: [], digest: [], sentUnchanged: [], sentOneNew: [] };
  let lastSummary = '';
  for (let run = 0; run < runs; run++) {
    const base = join(work, `run-${size}`);
    rmSync(base, { recursive: true, force: true });
    const extra = join(base, 'new-posts');
    mkdirSync(extra, { recursive: true });
    const args = ['--source', posts, '--source', extra, '--data', join(base, 'data'), '--output', join(base, 'output'), '--quiet'];
    const step = async (name, key, command, commandArgs) => {
      log(`zhoukan ${size} posts, run ${run + 1}/${runs}: ${name}`);
      const sample = await measure(process.execPath, [cli, command, ...commandArgs]);
      samples[key]?.push(sample);
      return sample;
    };
    await peer?.cold(run);
    await step('cold update', 'cold', 'update', args);
    await peer?.themedCold(run);
    await peer?.unchanged(run);
    await step('update, nothing changed', 'unchanged', 'update', args);
    await peer?.oneNew(run);
    writeFileSync(join(extra, `new-${run}.md`), NEW_POST(run));
    await step('update, one new post', 'oneNew', 'update', args);
    await step(`digest of ${WEEK}`, 'week', 'digest', ['--week', WEEK, '--dry-run', ...args]);
    await step('digest, no SMTP', 'digest', 'digest', args);
    // The same archive with SMTP: once the digest has gone out, a rerun has nothing new to send.
    const config = join(base, 'smtp.config.json');
    writeFileSync(config, JSON.stringify({
      digest: { recipients: ['reader@example.org'], from: '周刊 <digest@example.org>' },
      smtp: { host: '127.0.0.1', port: smtp.port, requireTls: false, attempts: 1 },
    }));
    const sent = ['--config', config, ...args];
    await step('sending the digest (untimed)', 'none', 'digest', sent);
    await step('digest, SMTP, nothing changed', 'sentUnchanged', 'digest', sent);
    writeFileSync(join(extra, `new-${run}-sent.md`), NEW_POST(run + runs));
    lastSummary = (await step('digest, SMTP, one new post', 'sentOneNew', 'digest', sent)).stdout.trim();
  }
  rmSync(join(work, `run-${size}`), { recursive: true, force: true });
  return { size, lastSummary, ...Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])) };
}

async function benchThemes() {
  log('theme grouping of 2,000 posts (bench/themes.mjs)');
  const result = spawnSync(process.execPath, [join(root, 'bench/themes.mjs'), '--json'], {
    env: { ...cleanEnv(), RUNS: String(Math.max(3, runs)) },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`bench/themes.mjs failed\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

// ---- Hexo

function hexoSite() {
  return join(hexoDir, `site-${HEXO_SIZE}-md`);
}

/** Installs Hexo and the 10k site with ../shared/tools/bench-hexo.sh once; later runs reuse them. */
function setUpHexo() {
  const posts = join(hexoSite(), 'source/_posts');
  const ready = () => existsSync(join(hexoDir, 'node_modules/.bin/hexo')) && existsSync(posts) && readdirSync(posts).filter((name) => !name.startsWith('zz_new_')).length === HEXO_SIZE && existsSync(join(hexoDir, 'newpost-md'));
  if (ready()) return;
  log(`installing Hexo and a ${HEXO_SIZE}-post site under ${hexoDir} (bench-hexo.sh setup; npm, a few minutes)`);
  spawnSync(join(shared, 'bench-hexo.sh'), ['setup'], {
    env: { ...process.env, BENCH_DIR: hexoDir, SIZES: String(HEXO_SIZE), EXTS: 'md' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The script ends by asking hyperfine for its version; everything the bench needs is made before that.
  if (!ready()) throw new Error(`Hexo setup under ${hexoDir} failed (see above); or set BENCH_SKIP_HEXO=1`);
}

/** Hexo's default theme and the renderers it needs, installed beside Hexo for the themed site. */
const THEME_PACKAGES = ['hexo-theme-landscape@1.1.0', 'hexo-renderer-ejs@2.0.0', 'hexo-renderer-stylus@3.0.1'];

function themedSite() {
  return join(hexoDir, `site-${HEXO_SIZE}-md-landscape`);
}

/** The 10k site again, with `theme: landscape`: a page per post besides the feeds. Made once. */
function setUpThemedHexo() {
  const site = themedSite();
  const posts = join(site, 'source/_posts');
  const ready = () => existsSync(join(hexoDir, 'node_modules/hexo-theme-landscape')) && existsSync(posts) && readdirSync(posts).length === HEXO_SIZE;
  if (ready()) return;
  log(`installing Hexo's landscape theme and a themed ${HEXO_SIZE}-post site under ${hexoDir} (npm)`);
  spawnSync('npm', ['install', '--no-audit', '--no-fund', '--silent', ...THEME_PACKAGES], { cwd: hexoDir, stdio: ['ignore', 'inherit', 'inherit'] });
  const feedSite = hexoSite();
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  cpSync(join(feedSite, 'source'), join(site, 'source'), { recursive: true, filter: (path) => !basename(path).startsWith('zz_new_') });
  symlinkSync('../node_modules', join(site, 'node_modules'));
  writeFileSync(join(site, '_config.yml'), readFileSync(join(feedSite, '_config.yml'), 'utf8').replace(/^theme: false$/m, 'theme: landscape'));
  // Hexo loads the plugins named in the site's package.json.
  const manifest = JSON.parse(readFileSync(join(feedSite, 'package.json'), 'utf8'));
  for (const spec of THEME_PACKAGES) manifest.dependencies[spec.slice(0, spec.lastIndexOf('@'))] = spec.slice(spec.lastIndexOf('@') + 1);
  writeFileSync(join(site, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (!ready()) throw new Error(`the themed Hexo site under ${hexoDir} could not be set up (see above); or set BENCH_SKIP_HEXO=1`);
}

/**
 * Hexo's three steps on the same posts, each run just before the matching step of ours at
 * HEXO_SIZE, so both tools meet the shared machine at the same speed: its speed drifts over
 * minutes, and a ratio of runs minutes apart measures the drift as much as the tools.
 */
function hexoPeer() {
  setUpHexo();
  setUpThemedHexo();
  const site = hexoSite();
  const hexo = join(site, 'node_modules/.bin/hexo');
  const posts = join(site, 'source/_posts');
  const newPost = readdirSync(join(hexoDir, 'newpost-md')).find((name) => name.endsWith('.md'));
  const removeNewPosts = () => {
    for (const name of readdirSync(posts)) if (name.startsWith('zz_new_')) rmSync(join(posts, name));
  };
  const generate = (message, cwd = site) => {
    log(`hexo ${HEXO_SIZE} posts: ${message}`);
    return measure(process.execPath, [hexo, 'generate'], { cwd });
  };
  const clean = (cwd = site) => spawnSync(process.execPath, [hexo, 'clean'], { cwd, stdio: 'ignore' });
  const samples = { cold: [], oneNew: [], unchanged: [], themedCold: [] };
  removeNewPosts();
  return {
    /** One untimed cold run of each site first, as bench-hexo.sh does (hyperfine --warmup 1). */
    async warmUp() {
      clean();
      await generate('cold generate (warm-up)');
      clean(themedSite());
      await generate('themed: cold generate (warm-up)', themedSite());
    },
    async cold(run) {
      clean();
      samples.cold.push(await generate(`cold generate ${run + 1}/${runs}`));
    },
    async themedCold(run) {
      clean(themedSite());
      samples.themedCold.push(await generate(`themed: cold generate ${run + 1}/${runs}`, themedSite()));
    },
    async unchanged(run) {
      samples.unchanged.push(await generate(`nothing changed ${run + 1}/${runs}`));
    },
    async oneNew(run) {
      writeFileSync(join(posts, `zz_new_${Date.now()}_${run}.md`), readFileSync(join(hexoDir, 'newpost-md', newPost)));
      samples.oneNew.push(await generate(`+1 post ${run + 1}/${runs}`));
    },
    result() {
      removeNewPosts();
      clean();
      clean(themedSite());
      const versionOf = (name) => JSON.parse(readFileSync(join(hexoDir, 'node_modules', name, 'package.json'), 'utf8')).version;
      return {
        version: versionOf('hexo'),
        feedVersion: versionOf('hexo-generator-feed'),
        themeVersion: versionOf('hexo-theme-landscape'),
        ...Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])),
      };
    },
  };
}

// ---- report

function machine() {
  let distro = '';
  try {
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    distro = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(osRelease)?.[1] ?? '';
  } catch {
    distro = process.platform;
  }
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${distro}, Linux ${release()}, node ${process.version}`;
}

const seconds = (value) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const mib = (value) => (Number.isFinite(value) ? value.toFixed(0) : '–');
const spread = (entry) => `${seconds(entry.seconds)} (${seconds(entry.min)}–${seconds(entry.max)})`;
const ratio = (ours, theirs) => (Number.isFinite(ours) && Number.isFinite(theirs) && theirs > 0 ? `${(ours / theirs).toFixed(3)}` : '–');

function report(results) {
  const lines = [];
  const ours = results.zhoukan;
  const at = (size) => ours.find((entry) => entry.size === size);
  lines.push(`Machine: ${results.machine}.`);
  lines.push(`Load average ${results.load.start.map((value) => value.toFixed(2)).join(' / ')} at the start, ${results.load.end.map((value) => value.toFixed(2)).join(' / ')} at the end (1/5/15 min); ${runs} runs per cell, medians (min–max), wall clock of the whole command with start-up.`);
  lines.push('');
  lines.push(`| zhoukan | ${ours.map((entry) => `${entry.size.toLocaleString('en')} posts: s`).join(' | ')} | ${ours.map((entry) => `${entry.size.toLocaleString('en')}: peak RSS MiB`).join(' | ')} |`);
  lines.push(`|---|${ours.map(() => '---').join('|')}|${ours.map(() => '---').join('|')}|`);
  for (const [key, label] of [
    ['cold', '`update`, cold: collect, clean, pages, feeds, themes'],
    ['unchanged', '`update`, nothing changed'],
    ['oneNew', '`update`, one new post'],
    ['week', `\`digest --week ${WEEK} --dry-run\`: one week`],
    ['digest', '`digest` after the update, no SMTP (e-mail to the outbox)'],
    ['sentUnchanged', '`digest`, SMTP, nothing changed (nothing to send)'],
    ['sentOneNew', '`digest`, SMTP, one new post (a digest of it sent)'],
  ]) {
    lines.push(`| ${label} | ${ours.map((entry) => spread(entry[key])).join(' | ')} | ${ours.map((entry) => mib(entry[key].peakRssMiB)).join(' | ')} |`);
  }
  lines.push(`| \`update\` rerun ÷ cold, nothing changed | ${ours.map((entry) => ratio(entry.unchanged.seconds, entry.cold.seconds)).join(' | ')} | ${ours.map(() => '').join(' | ')} |`);
  lines.push('');
  const hexo = results.hexo;
  const ten = at(HEXO_SIZE);
  if (hexo && ten) {
    lines.push(`| ${HEXO_SIZE.toLocaleString('en')} posts | zhoukan s | Hexo ${hexo.version} + hexo-generator-feed ${hexo.feedVersion} s | zhoukan ÷ Hexo | target | met |`);
    lines.push('|---|---|---|---|---|---|');
    const row = (label, mine, theirs, share) => {
      const value = mine.seconds / theirs.seconds;
      const target = share === undefined ? '' : `≤ ${share === TARGETS.coldShare ? '1/4' : '1/20'} (${seconds(theirs.seconds * share)} s)`;
      const met = share === undefined ? '' : value <= share ? 'yes' : 'no';
      lines.push(`| ${label} | ${spread(mine)} | ${spread(theirs)} | ${ratio(mine.seconds, theirs.seconds)} | ${target} | ${met} |`);
    };
    row('cold (`update`; Hexo: `hexo generate` after `hexo clean`)', ten.cold, hexo.cold, TARGETS.coldShare);
    row(`cold, against Hexo with its default theme (landscape ${hexo.themeVersion}), which writes a page per post too`, ten.cold, hexo.themedCold);
    row('nothing changed (`update`)', ten.unchanged, hexo.unchanged, TARGETS.unchangedShare);
    row('one new post (`update`)', ten.oneNew, hexo.oneNew);
    row('nothing changed (`digest`, SMTP, nothing to send)', ten.sentUnchanged, hexo.unchanged);
    row('one new post (`digest`, SMTP, a digest sent)', ten.sentOneNew, hexo.oneNew);
    lines.push(`| peak RSS MiB, cold | ${mib(ten.cold.peakRssMiB)} | ${mib(hexo.cold.peakRssMiB)} | ${ratio(ten.cold.peakRssMiB, hexo.cold.peakRssMiB)} | | |`);
    lines.push('');
    const pairs = (theirs) => ten.cold.each.map((ours, run) => ratio(ours, theirs.each[run])).join(', ');
    lines.push(`- cold, each run of ours ÷ Hexo's run just before it: ${pairs(hexo.cold)}; ÷ the themed Hexo's run just after it: ${pairs(hexo.themedCold)}`);
  } else if (!skipHexo) {
    lines.push(`(Hexo runs only when ${HEXO_SIZE} is among BENCH_SIZES.)`);
    lines.push('');
  }
  const big = at(100_000);
  const checks = [];
  if (big) {
    const oneNew = big.oneNew.seconds;
    checks.push(`one new post on 100k posts (\`update\`): ${seconds(oneNew)} s (target < ${TARGETS.oneNewAt100k} s): ${oneNew < TARGETS.oneNewAt100k ? 'met' : 'not met'}; with the digest of it sent (\`digest\`, SMTP): ${seconds(big.sentOneNew.seconds)} s`);
    const peak = Math.max(...['cold', 'unchanged', 'oneNew', 'week', 'digest', 'sentUnchanged', 'sentOneNew'].map((key) => big[key].peakRssMiB));
    checks.push(`peak RSS at 100k, any command: ${mib(peak)} MiB (target < ${TARGETS.rssAt100kMiB}): ${peak < TARGETS.rssAt100kMiB ? 'met' : 'not met'}`);
  }
  if (results.themes) {
    const { firstCall, taxonomy, articles } = results.themes;
    checks.push(`themes for ${articles.toLocaleString('en')} posts: ${seconds(firstCall)} s with jieba's start-up, ${seconds(taxonomy)} s once loaded (target < ${TARGETS.themesSeconds} s): ${firstCall < TARGETS.themesSeconds ? 'met' : 'not met'}`);
  }
  for (const check of checks) lines.push(`- ${check}`);
  return lines.join('\n');
}

// ---- main

const results = { machine: machine(), startedAt: startedAt.toISOString(), load: { start: startLoad, end: [] }, zhoukan: [], sizes, runs };
const hexo = !skipHexo && sizes.includes(HEXO_SIZE) ? hexoPeer() : undefined;
const smtp = await startSmtpSink();
try {
  for (const size of sizes) results.zhoukan.push(await benchZhoukan(size, smtp, size === HEXO_SIZE ? hexo : undefined));
} finally {
  await smtp.close();
}
if (hexo) results.hexo = hexo.result();
results.themes = await benchThemes();
results.load.end = loadavg();
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
console.log(report(results));

// Then the benches that need a server of their own, each printing its table: personal digests to
// 10,000 subscribers through a Postfix sink, and collecting 1,000 feeds with 1 and 3 instances on
// PostgreSQL against SQLite. BENCH_SKIP_SUBSCRIBERS=1, BENCH_SKIP_INSTANCES=1 leave one out.
for (const [name, skip, needs] of [
  ['subscribers', process.env.BENCH_SKIP_SUBSCRIBERS === '1', existsSync('/usr/sbin/postfix') && existsSync(join(shared, 'mailsink'))],
  ['instances', process.env.BENCH_SKIP_INSTANCES === '1', existsSync('/usr/lib/postgresql')],
]) {
  if (skip) continue;
  if (!needs) {
    log(`bench/${name}.mjs skipped: ${name === 'subscribers' ? 'Postfix and ../shared/tools/mailsink' : 'PostgreSQL (apt-get install postgresql)'} not installed`);
    continue;
  }
  log(`bench/${name}.mjs`);
  const result = spawnSync(process.execPath, [join(root, `bench/${name}.mjs`)], { env: cleanEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) process.exitCode = 1;
}
