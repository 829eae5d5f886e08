import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

// What the world can do to a run (forged names, links out of a folder, bad settings, a damaged or
// full archive) and how the command line answers: one clear message, the right exit code, no stack.

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
