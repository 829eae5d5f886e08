import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

// What the world can do to a run (forged names, links out of a folder, bad settings, a damaged or
// full archive) and how the command line answers: one clear message, the right exit code, no stack.

const exec = promisify(execFile);

async function tempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `zhoukan-${name}-`));
}

const POST = (title: string) => `---\ntitle: ${title}\ndate: 2022-05-18 16:02\n---\n<p>${title}。这是正文的第一段，讲的是一件事情。</p>\n`;

/** No line of stderr is a stack frame, and nothing drives the terminal. */
function expectPlainMessages(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /mu);
  expect(stderr).not.toMatch(/unexpected failure/u);
  expect(stderr).not.toMatch(/[\x1b\x9b\r\u2028\u2029\u202e]/u);
}

describe('outside text in the log', () => {
  it('shows a file name with a newline or an escape sequence escaped, on the one line of its warning', async () => {
    const cwd = await tempDir('forged');
    const posts = join(cwd, 'posts');
    await mkdir(posts);
    await writeFile(join(posts, 'good.md'), POST('正常的文章'));
    await writeFile(join(posts, 'x\nerror: the archive was deleted\x1b[31m\u202e.md'), '---\ntitle: [unclosed\n---\n<p>正文</p>\n');
    const result = await runCli(['update', '--source', posts, '--output', join(cwd, 'out'), '--data', join(cwd, 'data')], { cwd });
    expect(result.code).toBe(0);
    expectPlainMessages(result.stderr);
    expect(result.stderr).not.toMatch(/^error: the archive was deleted/mu);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.filter((line) => line.includes('the archive was deleted'))).toEqual([
      expect.stringMatching(/^warning: .*x\\nerror: the archive was deleted\\x1b\[31m\\u202e\.md: /u),
    ]);
  });
});

describe('symbolic links in a source folder', () => {
  it('does not publish a file outside the folder that a link points to, and names the link', async () => {
    const cwd = await tempDir('links');
    const posts = join(cwd, 'posts');
    const private_ = join(cwd, 'private');
    await mkdir(posts);
    await mkdir(private_);
    await writeFile(join(posts, 'good.md'), POST('正常的文章'));
    await writeFile(join(private_, 'secret.md'), POST('不该发布的内部文件'));
    await symlink(join(private_, 'secret.md'), join(posts, 'innocent.md'));
    const output = join(cwd, 'out');
    const result = await runCli(['update', '--source', posts, '--output', output, '--data', join(cwd, 'data')], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: ${join(posts, 'innocent.md')}: skipped: symbolic link to ${join(private_, 'secret.md')}, outside the folder`);
    const feed = await readFile(join(output, 'feed.json'), 'utf8');
    expect(feed).toContain('正常的文章');
    expect(feed).not.toContain('不该发布的内部文件');
  });
});

describe('usage errors', () => {
  it('exit 2 with the reason, before any work: no archive, no output', async () => {
    const cwd = await tempDir('usage');
    const posts = join(cwd, 'posts');
    await mkdir(posts);
    await writeFile(join(posts, 'good.md'), POST('正常的文章'));
    const common = ['--source', posts, '--output', join(cwd, 'out'), '--data', join(cwd, 'data')];
    const cases: [string[], RegExp][] = [
      [['digest', '--week', '2022-W99', ...common], /--week: "2022-W99" is not an ISO week like 2022-W20/],
      [['digest', '--week', 'last', ...common], /--week: "last" is not an ISO week/],
      [['digest', '--since', 'yesterday', ...common], /--since: cannot read "yesterday" as a date/],
      [['digest', '--since', '2022-05-20', '--until', '2022-05-10', ...common], /--since must be before --until/],
      [['digest', '--to', 'nobody', ...common], /--to: "nobody" is not an e-mail address/],
      [['serve', '--port', 'eighty', ...common], /--port: "eighty" is not a port number/],
      [['build', '--bogus', ...common], /Unknown option '--bogus'/],
      [['build', '--week', '2022-W20', ...common], /--week is not an option of build/],
      [['build', 'extra', ...common], /Unexpected argument 'extra'/],
      [['nonsense', ...common], /unknown command "nonsense"/],
      [[], /no command given/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout, args.join(' ')).toBe('');
      expectPlainMessages(result.stderr);
    }
    expect(await readdir(cwd)).toEqual(['posts']);
  });
});

describe('settings checked when the config is loaded', () => {
  it('smtp.user without SMTP_PASSWORD stops a digest before it collects, and the service before it starts', async () => {
    const cwd = await tempDir('smtp');
    const posts = join(cwd, 'posts');
    await mkdir(posts);
    await writeFile(join(posts, 'good.md'), POST('正常的文章'));
    const config = join(cwd, 'zhoukan.config.json');
    await writeFile(config, JSON.stringify({ sources: ['posts'], smtp: { host: '127.0.0.1', port: 9, user: 'digest' }, digest: { recipients: ['a@example.org'] } }));
    for (const args of [['digest'], ['start', '--port', '0']]) {
      const result = await runCli(args, { cwd, env: { SMTP_PASSWORD: '' } });
      expect(result.code, args[0]).toBe(1);
      expect(result.stdout, args[0]).toBe('');
      expect(result.stderr, args[0]).toContain(`error: ${config}: invalid configuration:\n  - smtp.user is set but SMTP_PASSWORD is not`);
      expectPlainMessages(result.stderr);
    }
    expect(await readdir(cwd)).toEqual(['posts', 'zhoukan.config.json'].sort());
  });

  it('a config with __proto__ or constructor keys is named with each key, exit 1, no stack trace', async () => {
    const cwd = await tempDir('proto');
    for (const key of ['__proto__', 'constructor']) {
      await writeFile(join(cwd, 'zhoukan.config.json'), `{"site": {"title": "周刊"}, "${key}": {"polluted": true}}`);
      const result = await runCli(['build'], { cwd });
      expect(result.code, key).toBe(1);
      expect(result.stderr, key).toContain(`"${key}": a key named ${key} is not allowed; remove it`);
      expect(result.stderr, key).toContain(join(cwd, 'zhoukan.config.json'));
      expectPlainMessages(result.stderr);
    }
  });
});

/** A folder of `count` posts with distinct bodies of about `chars` characters. */
async function writePosts(folder: string, count: number, chars: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  const words = '经济增长市场政策企业投资消费金融银行货币财政发展改革创新科技产业结构调整就业收入价格';
  let seed = 1;
  const next = () => (seed = (seed * 48_271) % 2_147_483_647);
  for (let i = 0; i < count; i++) {
    const body = Array.from({ length: chars }, () => words[next() % words.length]).join('');
    await writeFile(join(folder, `post-${String(i).padStart(4, '0')}.md`), `---\ntitle: 第${i}篇文章\ndate: 2022-05-18 16:02\n---\n<p>${body}。</p>\n`);
  }
}

/** The archive's tables and indexes with their root pages. */
function rootPages(archive: string): Record<string, number> {
  const db = new Database(archive, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0').all() as { name: string; rootpage: number }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.rootpage]));
  } finally {
    db.close();
  }
}

describe('a damaged archive', () => {
  it('is named with what to do, by every command, exit 1, no stack trace', async () => {
    const cwd = await tempDir('damaged');
    const posts = join(cwd, 'posts');
    await writePosts(posts, 40, 400);
    const data = join(cwd, 'data');
    const archive = join(data, 'zhoukan.db');
    const common = ['--source', posts, '--output', join(cwd, 'out'), '--data', data];
    expect((await runCli(['update', ...common], { cwd })).code).toBe(0);

    // Garbage over the root page of the locks table, which every job reads, in the middle of the file.
    const page = rootPages(archive).locks as number;
    const pages = (await stat(archive)).size / 4096;
    expect(page).toBeGreaterThan(1);
    expect(page).toBeLessThan(pages);
    const file = await open(archive, 'r+');
    await file.write(Buffer.alloc(4096, 0xa5), 0, 4096, (page - 1) * 4096);
    await file.close();

    for (const args of [['build'], ['collect'], ['update'], ['digest', '--dry-run'], ['start', '--port', '0']]) {
      const result = await runCli([...args, ...common], { cwd });
      const what = args[0] as string;
      expect(result.code, what).toBe(1);
      expectPlainMessages(result.stderr);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
      expect(errors, what).toEqual([expect.stringContaining(`${archive}: the archive is damaged (database disk image is malformed, SQLITE_CORRUPT). Restore zhoukan.db from a backup`)]);
    }
  });

  it('names the archive when another process keeps it locked past the wait', async () => {
    const cwd = await tempDir('busy');
    const posts = join(cwd, 'posts');
    await writePosts(posts, 2, 100);
    const data = join(cwd, 'data');
    const common = ['--source', posts, '--output', join(cwd, 'out'), '--data', data];
    expect((await runCli(['collect', ...common], { cwd })).code).toBe(0);
    const holder = new Database(join(data, 'zhoukan.db'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      const result = await runCli(['collect', ...common], { cwd });
      expect(result.code).toBe(1);
      expectPlainMessages(result.stderr);
      expect(result.stderr).toContain(`error: ${join(data, 'zhoukan.db')}: the archive stayed in use by another process (database is locked, SQLITE_BUSY); run again when it has finished`);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('says so when the archive file is empty and starts it over', async () => {
    const cwd = await tempDir('empty-archive');
    const posts = join(cwd, 'posts');
    await writePosts(posts, 2, 100);
    const data = join(cwd, 'data');
    await mkdir(data);
    await writeFile(join(data, 'zhoukan.db'), '');
    const result = await runCli(['update', '--source', posts, '--output', join(cwd, 'out'), '--data', data], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: ${join(data, 'zhoukan.db')}: the archive file is empty (0 bytes); initializing it as a new, empty archive`);
    expect(result.stdout).toMatch(/collected 2 new/);
    // A new archive has no file yet: nothing to warn about.
    const fresh = await runCli(['update', '--source', posts, '--output', join(cwd, 'out'), '--data', join(cwd, 'data2')], { cwd });
    expect(fresh.stderr).not.toMatch(/empty/);
  });
});

// A real full disk: a small tmpfs under the archive. Mounting needs root, as CI runs.
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('a full disk under the archive', () => {
  it('stops the collect with one message, keeps every saved batch whole, and the next run finishes', async () => {
    const cwd = await tempDir('full');
    const posts = join(cwd, 'posts');
    await writePosts(posts, 600, 1500); // about 13 kB a post in the archive: 8 MB in all
    const data = join(cwd, 'data');
    await mkdir(data);
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', data]);
    try {
      const archive = join(data, 'zhoukan.db');
      const args = ['collect', '--source', posts, '--output', join(cwd, 'out'), '--data', data];
      const full = await runCli(args, { cwd });
      expect(full.code).toBe(1);
      expectPlainMessages(full.stderr);
      expect(full.stderr.split('\n').filter((line) => line.startsWith('error:'))).toEqual([
        `error: ${archive}: the disk is full (database or disk is full, SQLITE_FULL); what was being saved was not saved and nothing of it counts as done. Free space on the disk that holds ${data}, then run again`,
      ]);
      // Whole batches only: every recorded file has its article, and the archive is sound.
      const db = new Database(archive, { readonly: true });
      const saved = db.prepare('SELECT COUNT(*) FROM articles').pluck().get() as number;
      expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
      expect(db.prepare('SELECT COUNT(*) FROM files WHERE article_id IS NOT NULL').pluck().get()).toBe(saved);
      expect(db.prepare('SELECT COUNT(*) FROM files').pluck().get()).toBe(saved);
      db.close();
      expect(saved).toBeGreaterThan(0);
      expect(saved).toBeLessThan(600);

      await exec('mount', ['-o', 'remount,size=64m', data]);
      const again = await runCli(args, { cwd });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`collected ${600 - saved} new, 0 updated, ${saved} unchanged, 0 duplicates, 0 skipped`);
      const after = new Database(archive, { readonly: true });
      expect(after.prepare('SELECT COUNT(*) FROM articles').pluck().get()).toBe(600);
      after.close();
    } finally {
      await exec('umount', [data]);
    }
  });
});
