#!/usr/bin/env node
// The personal digest at newsletter scale: 10,000 confirmed subscribers with varied themes (seeded
// random), the whole `zhoukan digest` run into a private Postfix sink (../shared/tools/mailsink) over
// pooled SMTP, against Postfix's own load generator on the same sink in the same run:
// `smtp-source -s 10 -m 10000 -l <our message size>`. Prints the delivery rate ratio, zhoukan's peak
// RSS and the number of distinct renders. Then a digest run killed with SIGKILL in the middle and
// run again: each subscriber's messages counted in the Maildir.
//
// Knobs: BENCH_SUBSCRIBERS=10000  BENCH_CONNECTIONS=8  BENCH_RATE=5000 (smtp.ratePerSecond)
// BENCH_DIR (default $TMPDIR/zhoukan-bench). Needs `npm run compile` and mailsink installed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const mailsink = join(root, '../shared/tools/mailsink');
const peakRss = join(root, 'bench/peak-rss.cjs');
const count = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const rate = Number(process.env.BENCH_RATE ?? 5000);
const work = join(process.env.BENCH_DIR ?? join(tmpdir(), 'zhoukan-bench'), 'subscribers');

if (!existsSync(cli)) fail(`${cli} is missing; run \`npm run compile\` first`);
if (!existsSync(mailsink)) fail(`${mailsink} is missing (the shared tools folder next to the project)`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

function fail(message) {
  console.error(`bench/subscribers: ${message}`);
  process.exit(2);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---- the sink: a private Postfix, its own folder and port
const port = await freePort();
const sinkEnv = { ...process.env, MAILSINK_DIR: join(work, 'sink'), MAILSINK_PORT: String(port), MAILSINK_TLS: '0', MAILSINK_AUTH: 'off' };
const sink = (...args) => {
  const result = spawnSync(mailsink, args, { env: sinkEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mailsink ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result.stdout;
};
const maildir = join(work, 'sink', 'Maildir');
const delivered = () => ['new', 'cur'].reduce((sum, folder) => sum + (existsSync(join(maildir, folder)) ? readdirSync(join(maildir, folder)).length : 0), 0);
/** Waits until Postfix has put `n` messages in the Maildir (it delivers after accepting). */
async function waitDelivered(n, seconds = 600) {
  for (let waited = 0; delivered() < n && waited < seconds * 10; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
  return delivered();
}
function clearSink() {
  sink('clear');
}
sink('start');
process.on('exit', () => spawnSync(mailsink, ['stop'], { env: sinkEnv }));

// ---- the archive: the seeds and the rsshub-page posts, and the subscribers
const base = join(work, 'base');
mkdirSync(base);
const config = {
  sources: [join(root, 'seeds'), join(root, '../shared/corpus/rsshub-page')],
  digest: { from: '周刊 <digest@news.example.org>' },
  smtp: { host: '127.0.0.1', port, requireTls: false, connections, ratePerSecond: rate, retryDelaySeconds: 1 },
};
writeFileSync(join(base, 'zhoukan.config.json'), JSON.stringify(config));
run(['update', '--quiet'], base);
const { SqliteStore } = await import(join(root, 'dist/store/sqlite.js'));
const { DEFAULT_TAXONOMY } = await import(join(root, 'dist/themes/default-taxonomy.js'));
const names = [...DEFAULT_TAXONOMY.themes.map((theme) => theme.name), '其他要闻'];
let seed = 20_221_207;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const store = SqliteStore.open(join(base, 'data', 'zhoukan.db'));
const now = new Date();
const addresses = [];
for (let index = 0; index < count; index++) {
  const address = `reader${String(index).padStart(5, '0')}@example.org`;
  addresses.push(address);
  // A third take every theme; the others choose one to four
  const themes = random() < 1 / 3 ? undefined : [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => names[Math.floor(random() * names.length)]))];
  await store.subscribers.put({ address, state: 'active', origin: 'import', createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 0, ...(themes ? { themes } : {}) });
}
await store.close();

function copyBase(name) {
  const dir = join(work, name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

function run(args, cwd) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`zhoukan ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

// ---- our message size: the e-mail of the whole digest, as --dry-run writes it
const dry = copyBase('dry');
run(['digest', '--dry-run', '--quiet'], dry);
const outbox = join(dry, 'data', 'outbox');
const size = statSync(join(outbox, readdirSync(outbox)[0], 'digest.eml')).size;

// The machine's load (1 min average) around the two measurements: the ratio is only as steady as it.
const loads = [loadavg()[0]];

// ---- smtp-source: 10 sessions, 10,000 messages of our size
clearSink();
let start = process.hrtime.bigint();
const source = spawnSync('smtp-source', ['-s', '10', '-m', String(count), '-l', String(size), '-f', 'digest@news.example.org', '-t', 'reader@example.org', `127.0.0.1:${port}`], { encoding: 'utf8' });
if (source.status !== 0) throw new Error(`smtp-source: ${source.stderr}`);
const sourceSeconds = Number(process.hrtime.bigint() - start) / 1e9;
await waitDelivered(count);
clearSink();

// ---- zhoukan: the whole digest run, start-up included
const full = copyBase('full');
loads.push(loadavg()[0]);
const rssFile = join(work, 'rss.txt');
const cpuFile = join(work, 'cpu.txt');
start = process.hrtime.bigint();
const ours = await spawnDigest(full, { BENCH_RSS_FILE: rssFile, BENCH_CPU_FILE: cpuFile, NODE_OPTIONS: `--require ${peakRss}` });
const oursSeconds = Number(process.hrtime.bigint() - start) / 1e9;
loads.push(loadavg()[0]);
if (ours.code !== 0) throw new Error(`zhoukan digest exited ${ours.code}: ${ours.stderr.slice(-2000)}`);
const cpuSeconds = Number(readFileSync(cpuFile, 'utf8').trim());
const peakMiB = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024;
const summary = ours.stdout.trim().split('\n').at(-1);
const sent = Number(/sent to (\d+)/.exec(summary)?.[1] ?? 0);
const renders = Number(/(\d+) e-mails rendered/.exec(summary)?.[1] ?? 1);
await waitDelivered(sent);
clearSink();

// ---- killed in the middle, then run again: every subscriber counted in the Maildir
const killed = copyBase('killed');
const child = spawn(process.execPath, [cli, 'digest', '--quiet'], { cwd: killed, stdio: 'ignore' });
const exited = new Promise((resolve) => child.on('exit', resolve));
while (delivered() < sent / 2 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
child.kill('SIGKILL');
await exited;
const { default: Database } = await import('better-sqlite3');
const db = new Database(join(killed, 'data', 'zhoukan.db'), { readonly: true });
const inFlight = db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sending'").get().n;
const sentAtKill = db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'").get().n;
db.close();
const rerun = await spawnDigest(killed, {});
if (rerun.code !== 0) throw new Error(`the rerun exited ${rerun.code}: ${rerun.stderr.slice(-2000)}`);
await waitDelivered(sent);
await new Promise((resolve) => setTimeout(resolve, 3000)); // a duplicate would arrive after the count is reached
const received = new Map();
for (const folder of ['new', 'cur']) {
  for (const name of readdirSync(join(maildir, folder))) {
    const head = readFileSync(join(maildir, folder, name), 'utf8').split(/\r?\n\r?\n/, 1)[0];
    const to = /^To: (.*)$/im.exec(head)?.[1]?.trim() ?? '?';
    received.set(to, (received.get(to) ?? 0) + 1);
  }
}
const once = [...received.values()].filter((n) => n === 1).length;
const twice = [...received.values()].filter((n) => n > 1).length;
const missing = sent - received.size;

const sourceRate = count / sourceSeconds;
const oursRate = sent / oursSeconds;
console.log(`| personal digest, ${count.toLocaleString('en')} subscribers | value |`);
console.log('|---|---|');
console.log(`| messages sent (the others had nothing among their themes) | ${sent} |`);
console.log(`| message size (bytes, the whole digest) | ${size} |`);
console.log(`| distinct renders | ${renders} |`);
console.log(`| smtp-source -s 10 -m ${count} -l ${size}: s, msg/s | ${sourceSeconds.toFixed(2)}, ${sourceRate.toFixed(0)} |`);
console.log(`| zhoukan digest (start-up, collect, build, themes included; ${connections} connections, cap ${rate}/s): s, msg/s | ${oursSeconds.toFixed(2)}, ${oursRate.toFixed(0)} |`);
console.log(`| rate ÷ smtp-source's (goal ≥ 0.5, aim 0.8) | ${(oursRate / sourceRate).toFixed(3)} |`);
console.log(`| zhoukan digest CPU (user + system, all threads): s, ms per message | ${cpuSeconds.toFixed(1)}, ${((cpuSeconds * 1000) / sent).toFixed(2)} |`);
console.log(`| load average (1 min) before smtp-source, before and after zhoukan | ${loads.map((load) => load.toFixed(1)).join(', ')} |`);
console.log(`| peak RSS MiB (goal < 256) | ${peakMiB.toFixed(0)} |`);
console.log(`| SIGKILL mid-run: sent / in flight at the kill | ${sentAtKill} / ${inFlight} |`);
console.log(`| after the rerun: received once / twice / never | ${once} / ${twice} / ${missing} |`);

function spawnDigest(cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'digest'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
