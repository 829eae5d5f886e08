import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AppError } from '../src/errors.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'zhoukan-config-'));
}

describe('loadConfig', () => {
  it('runs without a config file, on the defaults', async () => {
    const cwd = await tempDir();
    const config = loadConfig({}, {}, cwd);
    expect(config.site.url).toBe('http://127.0.0.1:8080/');
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.feed.size).toBe(50);
    expect(config.sources).toEqual([{ name: 'seeds', path: join(cwd, 'seeds') }]);
    expect(config.output).toBe(join(cwd, 'output'));
    expect(config.data).toBe(join(cwd, 'data'));
    expect(Object.isFrozen(config.site)).toBe(true);
  });

  it('layers defaults < file < environment < flags', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'zhoukan.config.json'),
      JSON.stringify({ site: { url: 'https://file.example/news' }, feed: { size: 20 }, sources: [{ name: 'a', path: 'posts' }], output: 'public' }),
    );
    const fromFile = loadConfig({}, {}, cwd);
    expect(fromFile.site.url).toBe('https://file.example/news/');
    expect(fromFile.feed.size).toBe(20);
    expect(fromFile.sources).toEqual([{ name: 'a', path: join(cwd, 'posts') }]);
    expect(fromFile.output).toBe(join(cwd, 'public'));

    const fromEnv = loadConfig({}, { ZHOUKAN_SITE_URL: 'https://env.example/', ZHOUKAN_FEED_SIZE: '7' }, cwd);
    expect(fromEnv.site.url).toBe('https://env.example/');
    expect(fromEnv.feed.size).toBe(7);

    const fromFlags = loadConfig({ sources: ['x', 'y/z'], output: 'out' }, { ZHOUKAN_OUTPUT: 'env-out' }, cwd);
    expect(fromFlags.sources.map((source) => source.name)).toEqual(['x', 'z']);
    expect(fromFlags.output).toBe(join(cwd, 'out'));
  });

  it('lists every problem of an invalid config at once', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'zhoukan.config.json'),
      JSON.stringify({ site: { url: 'ftp://x', colour: 'red' }, timeZone: 'Mars/Olympus', feed: { size: 0 }, sources: 'posts', extra: 1 }),
    );
    let error: unknown;
    try {
      loadConfig({}, {}, cwd);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    for (const expected of ['site.url', 'site.colour: unknown setting', 'timeZone', 'feed.size', 'sources', 'extra: unknown setting']) {
      expect(message).toContain(expected);
    }
  });

  it('reads the number of cleaning threads from the file or the environment, automatic when unset', async () => {
    const cwd = await tempDir();
    expect(loadConfig({}, {}, cwd).workers).toBeUndefined();
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ workers: 2 }));
    expect(loadConfig({}, {}, cwd).workers).toBe(2);
    expect(loadConfig({}, { ZHOUKAN_WORKERS: '0' }, cwd).workers).toBe(0);
    expect(() => loadConfig({}, { ZHOUKAN_WORKERS: 'all' }, cwd)).toThrow(/workers: must be a whole number from 0 to 16, got "all"/);
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ workers: 1.5 }));
    expect(() => loadConfig({}, {}, cwd)).toThrow(/workers: must be a whole number from 0 to 16, got 1\.5/);
  });

  it('reads how instances share the work: every one builds, and a job is taken over after two minutes, unless set', async () => {
    const cwd = await tempDir();
    expect(loadConfig({}, {}, cwd).cluster).toEqual({ build: true, takeoverSeconds: 120 });
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ cluster: { build: false, takeoverSeconds: 30 } }));
    expect(loadConfig({}, {}, cwd).cluster).toEqual({ build: false, takeoverSeconds: 30 });
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ cluster: { build: 'no', takeoverSeconds: 0, size: 3 } }));
    let error: unknown;
    try {
      loadConfig({}, {}, cwd);
    } catch (caught) {
      error = caught;
    }
    expect((error as AppError).details?.join('\n')).toMatch(/cluster\.takeoverSeconds: must be a whole number from 2 to 86400, got 0[\s\S]*cluster\.build: must be true or false, got "no"/u);
    expect((error as AppError).details?.join('\n')).toMatch(/cluster\.size/u);
  });

  it('caps the items kept per feed fetch at 500 unless fetch.maxItems says otherwise', async () => {
    const cwd = await tempDir();
    expect(loadConfig({}, {}, cwd).fetch.maxItems).toBe(500);
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ fetch: { maxItems: 40 } }));
    expect(loadConfig({}, {}, cwd).fetch).toMatchObject({ maxItems: 40, maxBytes: 10 * 1024 * 1024 });
    for (const bad of [0, 2.5, '100']) {
      await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ fetch: { maxItems: bad } }));
      expect(() => loadConfig({}, {}, cwd), String(bad)).toThrow(/fetch\.maxItems: must be a/);
    }
  });

  it('names a config file that is not JSON, or missing when asked for', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'broken.json'), '{ "site": ');
    expect(() => loadConfig({ configFile: 'broken.json' }, {}, cwd)).toThrow(/broken\.json: not valid JSON/);
    expect(() => loadConfig({ configFile: 'absent.json' }, {}, cwd)).toThrow(/absent\.json: config file not found/);
  });

  it('rejects two folders with the same name, since ids are built from it', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ sources: ['a/posts', 'b/posts'] }));
    expect(() => loadConfig({}, {}, cwd)).toThrow(/"posts" is used twice/);
  });

  it('reads feeds, schedules, the server, the digest and the taxonomy, listing every problem', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'zhoukan.config.json'),
      JSON.stringify({
        feeds: ['https://example.org/rss.xml', { name: 'other', url: 'http://news.example.com/feed' }],
        schedule: { collect: '*/15 * * * *', digest: '0 9 * * 1' },
        server: { host: '0.0.0.0', port: 9000 },
        digest: { recipients: ['a@example.org'], from: '周刊 <d@example.org>', maxArticles: 20 },
        taxonomy: false,
      }),
    );
    const config = loadConfig({}, {}, cwd);
    expect(config.feeds).toEqual([
      { name: 'example.org-rss.xml', url: 'https://example.org/rss.xml' },
      { name: 'other', url: 'http://news.example.com/feed' },
    ]);
    expect(config.schedule).toEqual({ collect: '*/15 * * * *', digest: '0 9 * * 1' });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.digest).toMatchObject({ recipients: ['a@example.org'], unsubscribeMailto: 'd@example.org', maxArticles: 20 });
    expect(config.taxonomy).toBeUndefined();
    expect(config.smtp).toBeUndefined();
    expect(loadConfig({ feeds: ['https://x.example/a'] }, {}, cwd).feeds.map((feed) => feed.url)).toEqual(['https://x.example/a']);

    await writeFile(
      join(cwd, 'zhoukan.config.json'),
      JSON.stringify({
        feeds: ['ftp://example.org/feed'],
        schedule: { digest: 'every monday' },
        server: { port: 70000 },
        digest: { recipients: ['not-an-address'], maxArticles: 0 },
        taxonomy: { themes: 'none' },
        fetch: { timeoutSeconds: -1 },
      }),
    );
    let message = '';
    try {
      loadConfig({}, {}, cwd);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const expected of ['feeds[0]', 'schedule.digest', 'server.port', 'digest.recipients[0]', 'digest.maxArticles', 'taxonomy', 'fetch.timeoutSeconds']) {
      expect(message).toContain(expected);
    }
  });

  it('uses the default taxonomy, or one from a file', async () => {
    const cwd = await tempDir();
    expect(loadConfig({}, {}, cwd).taxonomy?.themes.length).toBeGreaterThanOrEqual(12);
    await writeFile(join(cwd, 'themes.json'), JSON.stringify({ themes: [{ name: '体育', keywords: { 比赛: 2, 球队: 1 } }] }));
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ taxonomy: 'themes.json' }));
    expect(loadConfig({}, {}, cwd).taxonomy?.themes.map((theme) => theme.name)).toEqual(['体育']);
  });

  it('reads the theme model from the data folder by default, from a named file, or not at all', async () => {
    const cwd = await tempDir();
    expect(loadConfig({}, {}, cwd).themeModel).toEqual({ file: join(cwd, 'data', 'theme-model.json'), configured: false });
    expect(loadConfig({ data: 'archive' }, {}, cwd).themeModel?.file).toBe(join(cwd, 'archive', 'theme-model.json'));
    await mkdir(join(cwd, 'conf'));
    await writeFile(join(cwd, 'conf', 'zhoukan.config.json'), JSON.stringify({ themeModel: 'models/themes.json' }));
    expect(loadConfig({ configFile: 'conf/zhoukan.config.json' }, {}, cwd).themeModel).toEqual({ file: join(cwd, 'conf', 'models', 'themes.json'), configured: true });
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ themeModel: false }));
    expect(loadConfig({}, {}, cwd).themeModel).toBeUndefined();
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ themeModel: 3 }));
    expect(() => loadConfig({}, {}, cwd)).toThrow(/themeModel: must be the path of a model file or false, got 3/);
  });
});

describe('loadConfig and keys that name the prototype', () => {
  function problemsOf(load: () => unknown): string {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).message;
    }
    throw new Error('expected an invalid configuration');
  }

  it('rejects __proto__, constructor and prototype keys anywhere in the file, naming each, and pollutes nothing', async () => {
    const cwd = await tempDir();
    const file = join(cwd, 'zhoukan.config.json');
    await writeFile(
      file,
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "site": {"constructor": {"x": 1}, "title": "周刊"},' +
        ' "sources": [{"path": "posts", "__proto__": {"polluted": 3}}], "smtp": {"prototype": 1}}',
    );
    const message = problemsOf(() => loadConfig({}, {}, cwd));
    expect(message).toContain(`${file}: invalid configuration:`);
    for (const where of ['"__proto__"', '"constructor"', '"site.constructor"', '"sources[0].__proto__"', '"smtp.prototype"']) {
      expect(message).toContain(`${file}: ${where}: a key named`);
    }
    expect(message).not.toMatch(/unknown setting/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('cuts off values nested deeper than any setting, before anything walks them', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'zhoukan.config.json'), `{"taxonomy": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(problemsOf(() => loadConfig({}, {}, cwd))).toMatch(/"taxonomy(\[0\]){31}": nested more than 32 levels deep/);
  });

  it('rejects them in a taxonomy file too', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'themes.json'), '{"themes": [{"name": "体育", "keywords": {"比赛": 2, "__proto__": {"polluted": 1}}}]}');
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ taxonomy: 'themes.json' }));
    expect(problemsOf(() => loadConfig({}, {}, cwd))).toContain(`${join(cwd, 'themes.json')}: "themes[0].keywords.__proto__": a key named __proto__ is not allowed`);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('loadConfig and SMTP', () => {
  async function withSmtp(smtp: Record<string, unknown>): Promise<string> {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ smtp }));
    return cwd;
  }

  it('rejects smtp.user without SMTP_PASSWORD when the config is loaded, not when the digest is sent', async () => {
    const cwd = await withSmtp({ host: 'smtp.example.org', user: 'digest' });
    expect(() => loadConfig({}, {}, cwd)).toThrow(/smtp\.user is set but SMTP_PASSWORD is not/);
    expect(loadConfig({}, { SMTP_PASSWORD: 'secret' }, cwd).smtp).toMatchObject({ host: 'smtp.example.org', user: 'digest', password: 'secret' });
    const noUser = await tempDir();
    expect(() => loadConfig({}, { SMTP_URL: 'smtp://digest@smtp.example.org:587' }, noUser)).toThrow(/SMTP_URL's user is set but SMTP_PASSWORD is not/);
    expect(loadConfig({}, { SMTP_URL: 'smtp://smtp.example.org:2525' }, noUser).smtp).toMatchObject({ host: 'smtp.example.org', port: 2525 });
  });

  it('checks that smtp.caFile can be read when the config is loaded', async () => {
    const cwd = await withSmtp({ host: 'smtp.example.org', caFile: 'ca.pem' });
    expect(() => loadConfig({}, {}, cwd)).toThrow(`smtp.caFile: cannot read ${join(cwd, 'ca.pem')}`);
    await writeFile(join(cwd, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    expect(loadConfig({}, {}, cwd).smtp?.caFile).toBe(join(cwd, 'ca.pem'));
  });

  it('refuses a password in SMTP_URL without quoting it, and never suggests putting one there', async () => {
    const cwd = await tempDir();
    const withPassword = () => loadConfig({}, { SMTP_URL: 'smtp://digest:hunter2@smtp.example.org:587', SMTP_PASSWORD: 'hunter2' }, cwd);
    expect(withPassword).toThrow(/SMTP_URL: holds a password; give it in SMTP_PASSWORD only/);
    expect(() => withPassword()).not.toThrow(/hunter2/);
    let message = '';
    try {
      loadConfig({}, { SMTP_URL: 'not a url' }, cwd);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_URL: not a URL (e.g. smtp://user@host:587');
    expect(message).not.toMatch(/password@/);
  });
});
