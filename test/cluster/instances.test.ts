import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openJobQueue } from '../../src/cluster/queue.js';
import { PgStore } from '../../src/store/postgres.js';
import { createMemoryLog } from '../../src/util/log.js';
import { PROJECT_ROOT, runCli } from '../support/cli.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { useTestCluster } from '../support/postgres.js';
import { can, lacks, needs } from '../support/requirements.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { validateFeeds } from '../support/validate-feeds.js';

// Several `zhoukan start` processes on one PostgreSQL archive share the work through the job
// queue: each feed is fetched by one of them per round, and a digest's deliveries are finished by
// the others when the instance sending them is killed.

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const SEEDS = join(PROJECT_ROOT, 'seeds');
const NEVER = '0 0 1 1 *';

interface Instance {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startInstance(dir: string, databaseUrl: string): Instance {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ZHOUKAN_')) env[key] = value;
  env.ZHOUKAN_DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, instances: Instance[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the instances said:\n${instances.map((i) => i.output()).join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** An RSS feed of two items whose text no other feed has. */
function feedXml(n: number, origin: string): string {
  const item = (k: number) => `<item>
  <title>第${n}号公司第${k}季度经营情况通报</title>
  <link>${origin}/articles/${n}-${k}.html</link>
  <guid>${origin}/articles/${n}-${k}.html</guid>
  <pubDate>Mon, 0${k} Dec 2026 0${k}:00:00 +0800</pubDate>
  <description><![CDATA[<p>第${n}号公司今天发布公告称，第${k}季度营业收入同比增长${(n * 7 + k) % 90}％，净利润为${n * 13 + k}万元。</p><p>公司表示，编号${n}-${k}的项目进展顺利，预计明年完成第${k + n}期建设。</p>]]></description>
</item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>第${n}号公司公告</title><link>${origin}/</link><description>公告</description>
${item(1)}
${item(2)}
</channel></rss>`;
}

/** `count` active subscribers of every theme, reader0@example.org onwards. */
async function addReaders(databaseUrl: string, count: number): Promise<void> {
  const now = new Date();
  const store = await PgStore.open(databaseUrl);
  try {
    for (let n = 0; n < count; n++) {
      await store.subscribers.put({ address: `reader${n}@example.org`, state: 'active', origin: 'import', createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 0 });
    }
  } finally {
    await store.close();
  }
}

/** The configuration of an instance that sends the digest of the seeds to `smtp`. */
function digestConfig(smtp: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return JSON.stringify({
    sources: [SEEDS],
    schedule: { collect: NEVER, digest: NEVER },
    smtp: { host: '127.0.0.1', requireTls: false, ...smtp },
    digest: { from: '周刊 <digest@news.example.org>' },
    cluster,
  });
}

/** The deliveries the archive still has to make (none once a digest is finished). */
async function openDeliveries(databaseUrl: string): Promise<number> {
  const store = await PgStore.open(databaseUrl);
  try {
    return (await store.digests.openDeliveries()).length;
  } finally {
    await store.close();
  }
}

/** Queues the digest, as its schedule does when the time comes. */
async function queueDigest(databaseUrl: string): Promise<void> {
  const queue = await openJobQueue(databaseUrl, createMemoryLog(), { maintenanceSeconds: 60 });
  await queue.send('zhoukan-digest', {}, { expireInSeconds: 600, retryLimit: 0 });
  await queue.stop();
}

describe.skipIf(lacks(needs.postgres, 'several instances on one PostgreSQL archive'))('instances sharing a PostgreSQL archive', () => {
  const cluster = useTestCluster();
  const running: Instance[] = [];
  afterEach(async () => {
    for (const instance of running.splice(0)) {
      instance.child.kill('SIGKILL');
      await instance.exited;
    }
  });

  it('fetches each of 300 feeds once per round across three instances, archives each item once, and builds valid feeds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-instances-'));
    // Five hosts (loopback addresses) of 60 feeds each: ten lanes for three instances.
    const servers: FeedServer[] = [];
    try {
      const feeds: string[] = [];
      for (let h = 1; h <= 5; h++) {
        const feedDir = join(dir, `feeds-${h}`);
        await mkdir(feedDir);
        const server = await startFeedServer({ root: feedDir, host: `127.0.0.${h}` });
        servers.push(server);
        for (let n = (h - 1) * 60 + 1; n <= h * 60; n++) {
          await writeFile(join(feedDir, `${n}.xml`), feedXml(n, server.origin));
          feeds.push(server.url(`/${n}.xml`));
        }
      }
      const databaseUrl = await cluster.freshDatabase();
      const instances: Instance[] = [];
      for (let i = 0; i < 3; i++) {
        const home = join(dir, `instance-${i}`);
        await mkdir(home);
        // The folder of posts is on the third machine only.
        if (i === 2) await cp(SEEDS, join(home, 'posts'), { recursive: true });
        // One builder: the others' output/ is not served.
        const config = { sources: ['posts'], feeds, schedule: { collect: NEVER, digest: '0 8 * * 1' }, cluster: { build: i === 0, takeoverSeconds: 30 } };
        await writeFile(join(home, 'zhoukan.config.json'), JSON.stringify(config));
        instances.push(startInstance(home, databaseUrl));
      }
      running.push(...instances);

      await waitFor('the round and the folder to be built', () => /from 605 articles/u.test(instances[0]?.output() ?? ''), 120_000, instances);
      // Nothing more is fetched after the round.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const byPath = new Map<string, number>();
      for (const server of servers) for (const request of server.requests) byPath.set(server.url(request.path), (byPath.get(server.url(request.path)) ?? 0) + 1);
      expect(byPath.size).toBe(300);
      expect([...byPath.values()].filter((count) => count !== 1)).toEqual([]);
      // The lanes went to more than one instance.
      const fetching = instances.filter((instance) => /lane of 127\.0\.0\.\d, \d+ feeds: collected [1-9]\d* new/u.test(instance.output()));
      expect(fetching.length).toBeGreaterThanOrEqual(2);

      const store = await PgStore.open(databaseUrl);
      try {
        expect(await store.counts()).toEqual({ articles: 605, duplicates: 0 });
      } finally {
        await store.close();
      }
      // Only the instance that has the folder read it.
      expect(instances[2]?.output()).toMatch(/collected 5 new/u);
      for (const instance of instances.slice(0, 2)) expect(instance.output()).toMatch(/posts is not on this machine/u);
      // The schedules are the queue's, in the configured time zone, one row each however many instances.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT name, cron, timezone FROM zhoukan_jobs.schedule ORDER BY name');
        expect(rows).toEqual([
          { name: 'zhoukan-collect', cron: NEVER, timezone: 'Asia/Shanghai' },
          { name: 'zhoukan-digest', cron: '0 8 * * 1', timezone: 'Asia/Shanghai' },
        ]);
      } finally {
        await client.end();
      }
      for (const instance of instances.slice(1)) expect(instance.output()).not.toMatch(/built \d+ pages/u);
      if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(join(dir, 'instance-0', 'output'))).summary).toMatch(/^\d+ passed, 0 failed$/u);

      for (const instance of instances) instance.child.kill('SIGTERM');
      expect(await Promise.all(instances.map((instance) => instance.exited))).toEqual([0, 0, 0]);
      running.length = 0;
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });

  it('finishes a digest to 1,000 readers when the instance sending it is killed, each delivered once but those in flight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-instances-'));
    const databaseUrl = await cluster.freshDatabase();
    const connections = 4;
    // Each message waits a little at RCPT, so the run lasts long enough to be interrupted.
    const sink: TestSmtpServer = await startSmtpServer({ onRcpt: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 5)) });
    try {
      await addReaders(databaseUrl, 1000);
      const instances: Instance[] = [];
      for (let i = 0; i < 3; i++) {
        const home = join(dir, `instance-${i}`);
        await mkdir(home);
        const config = digestConfig({ port: sink.port, connections, attempts: 2, retryDelaySeconds: 1 }, { build: i === 0, takeoverSeconds: 4 });
        await writeFile(join(home, 'zhoukan.config.json'), config);
        instances.push(startInstance(home, databaseUrl));
      }
      running.push(...instances);
      await waitFor('the seeds to be built', () => /built 5 pages/u.test(instances[0]?.output() ?? ''), 120_000, instances);

      // The operator asks for the digest now.
      await queueDigest(databaseUrl);
      await waitFor('the digest to be chosen', () => instances.some((instance) => /1000 deliveries queued/u.test(instance.output())), 60_000, instances);
      const chooser = instances.find((instance) => /1000 deliveries queued/u.test(instance.output())) as Instance;
      await waitFor('300 messages', () => sink.messages.length >= 300, 60_000, instances);
      chooser.child.kill('SIGKILL');
      await chooser.exited;
      const killedAt = sink.messages.length;
      expect(killedAt).toBeLessThan(1000);

      const recipients = () => new Set(sink.messages.flatMap((message) => message.to));
      await waitFor('every reader to get the digest', () => recipients().size === 1000, 90_000, instances);
      await new Promise((resolve) => setTimeout(resolve, 2000));

      // Each reader once, but for the messages the killed instance had in flight: nobody can know
      // whether the server took those, so they go again, under the same Message-ID.
      const byRecipient = new Map<string, string[]>();
      for (const message of sink.messages) {
        const id = /^Message-ID:\s*(\S+)/imu.exec(message.raw.toString())?.[1] ?? '';
        for (const to of message.to) byRecipient.set(to, [...(byRecipient.get(to) ?? []), id]);
      }
      const twice = [...byRecipient.values()].filter((ids) => ids.length > 1);
      expect(twice.length).toBeLessThanOrEqual(connections);
      for (const ids of twice) expect(new Set(ids).size).toBe(1);
      expect(sink.messages.length).toBe(1000 + twice.length);
      expect(await openDeliveries(databaseUrl)).toBe(0);
    } finally {
      await sink.close();
    }
  });

  it('retries a delivery the server deferred through the queue, and sends it once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-instances-'));
    const databaseUrl = await cluster.freshDatabase();
    const tried = new Set<string>();
    // Every address is deferred (451) the first time it is offered.
    const sink = await startSmtpServer({
      onRcpt: (address) => {
        if (tried.has(address)) return undefined;
        tried.add(address);
        return { code: 451, message: '4.3.0 try again later' };
      },
    });
    try {
      await addReaders(databaseUrl, 20);
      await writeFile(join(dir, 'zhoukan.config.json'), digestConfig({ port: sink.port, connections: 2, attempts: 3, retryDelaySeconds: 1 }, { takeoverSeconds: 10 }));
      const instance = startInstance(dir, databaseUrl);
      running.push(instance);
      await waitFor('the seeds to be built', () => /built 5 pages/u.test(instance.output()), 120_000, [instance]);
      await queueDigest(databaseUrl);
      await waitFor('every reader to get the digest', () => sink.messages.length >= 20, 60_000, [instance]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(sink.messages.flatMap((message) => message.to).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `reader${n}@example.org`).sort());
      expect(instance.output()).toMatch(/deferred by the server/u);
      expect(await openDeliveries(databaseUrl)).toBe(0);
    } finally {
      await sink.close();
    }
  });

  it('leaves the deliveries the instances have queued to them when a digest is run by hand meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-instances-'));
    const databaseUrl = await cluster.freshDatabase();
    // Slow enough that the hand-run digest comes while most deliveries still wait.
    const sink = await startSmtpServer({ onRcpt: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 40)) });
    try {
      await addReaders(databaseUrl, 200);
      await writeFile(join(dir, 'zhoukan.config.json'), digestConfig({ port: sink.port, connections: 2, attempts: 1 }));
      const instance = startInstance(dir, databaseUrl);
      running.push(instance);
      await waitFor('the seeds to be built', () => /built 5 pages/u.test(instance.output()), 120_000, [instance]);
      await queueDigest(databaseUrl);
      await waitFor('the first messages', () => sink.messages.length >= 10, 60_000, [instance]);

      const byHand = await runCli(['digest'], { cwd: dir, env: { ZHOUKAN_DATABASE_URL: databaseUrl } });
      expect(byHand.code).toBe(0);
      expect(byHand.stdout + byHand.stderr).toMatch(/\d+ deliveries are queued for the instances sharing this archive; they send them, not this run/u);
      expect(sink.messages.length).toBeLessThan(200);

      await waitFor('every reader to get the digest', () => sink.messages.length >= 200, 60_000, [instance]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const recipients = sink.messages.flatMap((message) => message.to);
      expect(recipients.length).toBe(200);
      expect(new Set(recipients).size).toBe(200);
    } finally {
      await sink.close();
    }
  });
});
