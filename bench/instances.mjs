#!/usr/bin/env node
// Collecting 1,000 remote feeds: one process on the SQLite archive, one instance on PostgreSQL, and
// three instances sharing one PostgreSQL archive through the job queue, side by side in one run.
//
// The feeds are served on loopback from 20 addresses (127.0.0.1 to 127.0.0.20, 50 feeds each, so
// the limit of two requests per host is not what bounds the run), ten items of Chinese text each.
// Round 1: every feed is new (200). Round 2: half the feeds have two new items (200), half are
// unchanged (304 to the conditional request). For each setup, the wall time of each round and the
// peak RSS of each process:
//   sqlite         `zhoukan collect` on the SQLite file (a round is one run)
//   postgres       `zhoukan collect` with ZHOUKAN_DATABASE_URL (the same run on the server)
//   1 instance     `zhoukan start` on PostgreSQL: the round is queued, its lanes taken by the instance
//   3 instances    three `zhoukan start` on one database: the lanes divided among them
// A round of the instances is timed from the moment it is queued to the moment its last lane is
// done (the instances are already running); the build after it is waited for, untimed.
//
// Knobs: BENCH_FEEDS=1000  BENCH_HOSTS=20  BENCH_ITEMS=10  RUNS=1  BENCH_DIR (default
// $TMPDIR/zhoukan-bench)  BENCH_SETUPS (default all: sqlite,postgres,1 instance,3 instances). Needs `npm run compile` and Debian's postgresql (initdb, pg_ctl).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const peakRss = join(root, 'bench/peak-rss.cjs');
const FEEDS = Number(process.env.BENCH_FEEDS ?? 1000);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 20);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 10);
const RUNS = Math.max(1, Number(process.env.RUNS ?? 1));
const NEVER = '0 0 1 1 *';
const work = join(process.env.BENCH_DIR ?? join(tmpdir(), 'zhoukan-bench'), 'instances');

function fail(message) {
  console.error(`bench/instances: ${message}`);
  process.exit(2);
}
const log = (message) => process.stderr.write(`bench/instances: ${message}  [load ${loadavg().map((v) => v.toFixed(2)).join(' ')}]\n`);
if (!existsSync(cli)) fail(`${cli} is missing; run \`npm run compile\` first`);
const pgBin = (() => {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((name) => existsSync(join(base, name, 'bin/initdb'))).sort((a, b) => b - a) : [];
  return versions[0] ? join(base, versions[0], 'bin') : fail('PostgreSQL is not installed (apt-get install postgresql)');
})();
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

async function freePort() {
  const server = createNetServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---- a throwaway PostgreSQL server (as its own user when run as root), defaults but the address
const asRoot = process.getuid?.() === 0;
const pgRun = (command, args) => execFileSync(asRoot ? 'runuser' : join(pgBin, command), asRoot ? ['-u', 'postgres', '--', join(pgBin, command), ...args] : args, { stdio: 'pipe' });
const pgDir = join(work, 'pg');
mkdirSync(pgDir);
if (asRoot) chownSync(pgDir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
pgRun('initdb', ['-D', join(pgDir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
const pgPort = await freePort();
pgRun('pg_ctl', ['-D', join(pgDir, 'data'), '-o', `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1 -c max_connections=200`, '-l', join(pgDir, 'log'), '-w', 'start']);
process.on('exit', () => {
  try {
    pgRun('pg_ctl', ['-D', join(pgDir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } catch {
    // Already stopped.
  }
});
let databases = 0;
function freshDatabase() {
  const name = `bench_${++databases}`;
  pgRun('psql', ['-h', pgDir, '-p', String(pgPort), '-U', 'postgres', '-c', `CREATE DATABASE ${name}`]);
  return `postgres://postgres@127.0.0.1:${pgPort}/${name}`;
}

// ---- the feeds: 20 loopback hosts, each serving its share with ETags and 304s
let version = 1;
const bodies = new Map();
function feedBody(n, origin) {
  // Version 0, while the instances start: no items yet.
  if (version === 0) return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>第${n}号公司公告</title><link>${origin}/</link><description>公告</description></channel></rss>`;
  // Version 2: even feeds have two new items at the top (and drop their two oldest).
  const first = version === 2 && n % 2 === 0 ? 3 : 1;
  const items = [];
  for (let k = first; k < first + ITEMS; k++) {
    const id = `${origin}/articles/${n}-${k}.html`;
    items.push(`<item><title>第${n}号公司第${k}期经营情况通报</title><link>${id}</link><guid>${id}</guid>
<pubDate>${new Date(Date.UTC(2026, 10, 1) + (n * 37 + k) * 60_000).toUTCString()}</pubDate>
<description><![CDATA[<p>第${n}号公司今天发布公告称，第${k}期营业收入同比增长${(n * 7 + k) % 90}％，净利润为${n * 13 + k}万元，较上期有所改善。</p>
<p>公司表示，编号${n}-${k}的项目进展顺利，预计明年完成第${k + n}期建设，新增产能将主要用于${['新能源', '半导体', '消费电子', '医疗器械', '物流仓储'][(n + k) % 5]}领域。</p>
<p>分析人士认为，${n}号公司所在行业景气度回升，但仍需关注原材料价格波动与市场竞争加剧带来的风险。</p>]]></description></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>第${n}号公司公告</title><link>${origin}/</link><description>公告</description>\n${items.join('\n')}\n</channel></rss>`;
}
const servers = [];
const feedUrls = [];
for (let h = 1; h <= HOSTS; h++) {
  const host = `127.0.0.${h}`;
  const server = createServer((request, response) => {
    const n = Number(/^\/(\d+)\.xml$/u.exec(request.url ?? '')?.[1]);
    if (!n) return response.writeHead(404).end();
    const key = `${version}:${n}`;
    let body = bodies.get(key);
    if (!body) bodies.set(key, (body = Buffer.from(feedBody(n, `http://${host}:${server.address().port}`))));
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    server.answers[request.headers['if-none-match'] === etag ? 304 : 200] += 1;
    if (request.headers['if-none-match'] === etag) return response.writeHead(304, { ETag: etag }).end();
    response.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8', ETag: etag }).end(body);
  });
  server.answers = { 200: 0, 304: 0 };
  await new Promise((resolve) => server.listen(0, host, resolve));
  servers.push(server);
}
for (let n = 1; n <= FEEDS; n++) {
  const server = servers[(n - 1) % HOSTS];
  feedUrls.push(`http://${server.address().address}:${server.address().port}/${n}.xml`);
}
const answers = () => {
  const total = { 200: 0, 304: 0 };
  for (const server of servers) for (const code of [200, 304]) total[code] += server.answers[code];
  for (const server of servers) server.answers = { 200: 0, 304: 0 };
  return `${total[200]}×200, ${total[304]}×304`;
};

// ---- running zhoukan
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ZHOUKAN_')) env[key] = value;
  return { ...env, ...extra };
}
function writeConfig(dir, extra = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'zhoukan.config.json'), JSON.stringify({ sources: [], feeds: feedUrls, schedule: { collect: NEVER, digest: NEVER }, ...extra }));
}

/** One `zhoukan collect`: its wall time and peak RSS. */
async function collectOnce(dir, env) {
  const rssFile = join(dir, `rss-${Date.now()}`);
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'collect', '--quiet'], { cwd: dir, env: cleanEnv({ ...env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require ${peakRss}` }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) fail(`zhoukan collect failed (${code}):\n${output}`);
  return { seconds, rssMiB: Number(readFileSync(rssFile, 'utf8').trim()) / 1024, summary: output.trim().split('\n').at(-1) };
}

let singleRuns = 0;
async function singleProcess(name, env) {
  // A folder per run: the SQLite archive of an earlier run would make round 1 a rerun.
  const dir = join(work, `${name}-${++singleRuns}`);
  writeConfig(dir);
  version = 1;
  const first = await collectOnce(dir, env);
  log(`${name}: round 1 ${first.seconds.toFixed(1)} s (${answers()})`);
  version = 2;
  const second = await collectOnce(dir, env);
  log(`${name}: round 2 ${second.seconds.toFixed(1)} s (${answers()})`);
  return { rounds: [first.seconds, second.seconds], rssMiB: [Math.max(first.rssMiB, second.rssMiB)] };
}

function startInstance(dir, url) {
  const child = spawn(process.execPath, [cli, 'start', '--port', '0'], { cwd: dir, env: cleanEnv({ ZHOUKAN_DATABASE_URL: url }), stdio: ['ignore', 'pipe', 'pipe'] });
  const instance = { child, output: '' };
  child.stdout.on('data', (chunk) => (instance.output += chunk));
  child.stderr.on('data', (chunk) => (instance.output += chunk));
  instance.exited = new Promise((resolve) => child.on('exit', resolve));
  return instance;
}
const count = (instances, pattern) => instances.reduce((sum, instance) => sum + (instance.output.match(pattern) ?? []).length, 0);
async function waitFor(what, condition, instances, seconds = 900) {
  for (let waited = 0; !condition(); waited += 0.05) {
    if (waited > seconds) fail(`timed out waiting for ${what}:\n${instances.map((i) => i.output).join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
/** Waits until no new `pattern` line has come for two seconds (the builds asked for at start-up). */
async function settled(instances, pattern) {
  let last = -1;
  while (count(instances, pattern) !== last) {
    last = count(instances, pattern);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
/** CPU seconds (user and system) a process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /su, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** CPU seconds used so far by the PostgreSQL server's processes (those alive now). */
function postgresCpu() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/u.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}
function peakOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/u.exec(status)?.[1] ?? 0) / 1024;
}

async function instancesRun(name, n) {
  const url = freshDatabase();
  const instances = [];
  for (let i = 0; i < n; i++) {
    const dir = join(work, `${name}-${i}`);
    writeConfig(dir, { cluster: { build: i === 0 } });
    instances.push(startInstance(dir, url));
  }
  const rounds = /collect round \S+: \d+ lanes of \d+ feeds done/gu;
  const builds = /built \d+ pages/gu;
  // The startup round (untimed) finds the feeds empty (version 0), then the timed rounds run.
  version = 0;
  await waitFor('the instances to start', () => count(instances, /sharing the jobs of/gu) === n, instances);
  await waitFor('the startup round', () => count(instances, rounds) === 1, instances);
  await settled(instances, builds);
  answers();
  const { openJobQueue } = await import(join(root, 'dist/cluster/queue.js'));
  const quiet = { info() {}, warn() {}, error() {}, warnings: 0 };
  const queue = await openJobQueue(url, quiet, { maintenanceSeconds: 60 });
  const times = [];
  for (const v of [1, 2]) {
    version = v;
    const before = count(instances, rounds);
    const buildsBefore = count(instances, builds);
    const cpuBefore = { zhoukan: instances.reduce((sum, i) => sum + cpuSeconds(i.child.pid), 0), postgres: postgresCpu() };
    const started = performance.now();
    await queue.send('zhoukan-collect', {}, { expireInSeconds: 3600, retryLimit: 0 });
    await waitFor(`round ${v}`, () => count(instances, rounds) > before, instances);
    times.push((performance.now() - started) / 1000);
    const zhoukanCpu = instances.reduce((sum, i) => sum + cpuSeconds(i.child.pid), 0) - cpuBefore.zhoukan;
    const serverCpu = postgresCpu() - cpuBefore.postgres;
    log(`${name}: round ${v} ${times.at(-1).toFixed(1)} s (${answers()}); CPU: zhoukan ${zhoukanCpu.toFixed(1)} s, PostgreSQL ${serverCpu.toFixed(1)} s`);
    await waitFor(`the build after round ${v}`, () => count(instances, builds) > buildsBefore, instances);
  }
  await queue.stop();
  const rssMiB = instances.map((instance) => peakOf(instance.child.pid));
  for (const instance of instances) instance.child.kill('SIGTERM');
  await Promise.all(instances.map((instance) => instance.exited));
  return { rounds: times, rssMiB };
}

const results = {};
const allSetups = [
  ['sqlite', () => singleProcess('sqlite', {})],
  ['postgres', () => singleProcess('postgres', { ZHOUKAN_DATABASE_URL: freshDatabase() })],
  ['1 instance', () => instancesRun('one', 1)],
  ['3 instances', () => instancesRun('three', 3)],
];
const chosen = process.env.BENCH_SETUPS?.split(',').map((name) => name.trim());
const unknown = chosen?.filter((name) => !allSetups.some(([setup]) => setup === name)) ?? [];
if (unknown.length > 0) fail(`BENCH_SETUPS: unknown setup ${unknown.join(', ')} (known: ${allSetups.map(([name]) => name).join(', ')})`);
const setups = chosen ? allSetups.filter(([name]) => chosen.includes(name)) : allSetups;
for (let run = 1; run <= RUNS; run++) {
  for (const [name, measure] of setups) {
    log(`${name}, run ${run} of ${RUNS}`);
    const result = await measure();
    (results[name] ??= []).push(result);
  }
}
for (const server of servers) server.close();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const row = (name) => {
  const runs = results[name];
  return { r1: median(runs.map((r) => r.rounds[0])), r2: median(runs.map((r) => r.rounds[1])), rss: Math.max(...runs.flatMap((r) => r.rssMiB)) };
};
const table = Object.fromEntries(setups.map(([name]) => [name, row(name)]));
console.log(`\n${FEEDS} feeds on ${HOSTS} loopback hosts, ${ITEMS} items each; round 2: half unchanged (304), half with 2 new items; median of ${RUNS} run(s)\n`);
console.log('| setup | round 1 (all new) | round 2 (304 and 200) | peak RSS per process |');
console.log('|---|---|---|---|');
for (const [name, { r1, r2, rss }] of Object.entries(table)) console.log(`| ${name} | ${r1.toFixed(1)} s | ${r2.toFixed(1)} s | ${rss.toFixed(0)} MiB |`);
const ratio = (a, b) => (a / b).toFixed(2);
console.log('');
if (table.postgres && table.sqlite) console.log(`postgres / sqlite (one process): round 1 ${ratio(table.postgres.r1, table.sqlite.r1)}, round 2 ${ratio(table.postgres.r2, table.sqlite.r2)} (aim ≤ 1.5)`);
if (table['1 instance'] && table.sqlite) console.log(`1 instance / sqlite: round 1 ${ratio(table['1 instance'].r1, table.sqlite.r1)}, round 2 ${ratio(table['1 instance'].r2, table.sqlite.r2)} (aim ≤ 1.5)`);
if (table['1 instance'] && table['3 instances']) console.log(`3 instances speed-up over 1: round 1 ${ratio(table['1 instance'].r1, table['3 instances'].r1)}×, round 2 ${ratio(table['1 instance'].r2, table['3 instances'].r2)}× (aim ≥ 1.7)`);
console.log(`load average at the end: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
