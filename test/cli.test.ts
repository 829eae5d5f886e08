import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, PROJECT_ROOT, SHARED } from './support/cli.js';
import { can, lacks, needs } from './support/requirements.js';
import { validateFeeds } from './support/validate-feeds.js';

const SEEDS = join(PROJECT_ROOT, 'seeds');
const RSSHUB = join(SHARED, 'corpus/rsshub-page');
const BAD_POSTS = join(PROJECT_ROOT, 'test/fixtures/bad-posts');

async function tempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `zhoukan-${name}-`));
}

interface JsonFeed {
  items: { id: string; title: string; url: string; content_html: string; summary: string }[];
}

/** Every file under a folder (relative path) with its modification time. */
async function modificationTimes(folder: string): Promise<Record<string, number>> {
  const names = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const times: Record<string, number> = {};
  for (const entry of names) {
    const path = join(entry.parentPath, entry.name);
    times[path.slice(folder.length + 1)] = (await stat(path)).mtimeMs;
  }
  return times;
}

async function readJsonFeed(output: string): Promise<JsonFeed> {
  return JSON.parse(await readFile(join(output, 'feed.json'), 'utf8')) as JsonFeed;
}

describe('zhoukan digest', () => {
  it('turns seeds/ into three valid feeds and five article pages', async () => {
    const cwd = await tempDir('seeds');
    const output = join(cwd, 'out');
    const result = await runCli(['digest', '--source', SEEDS, '--output', output, '--data', join(cwd, 'data')], { cwd });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/collected 5 new, 0 updated, 0 unchanged, 0 duplicates, 0 skipped, 0 failed sources; built 5 pages, 3 feeds and 1 theme from 5 articles/);

    expect((await readdir(join(output, 'articles'))).sort()).toHaveLength(5);
    const feed = await readJsonFeed(output);
    expect(feed.items).toHaveLength(5);
    expect(feed.items.map((item) => item.title)).toContain('工信部：将做好“1+4+1”帮扶中小企业系列工作');

    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(output)).summary).toBe('3 passed, 0 failed');
  });

  it.skipIf(lacks(needs.shared, 'command line: the rsshub-page corpus'))('cleans seeds/ and the rsshub-page corpus without boilerplate, into valid feeds', async () => {
    const cwd = await tempDir('corpus');
    const output = join(cwd, 'out');
    const result = await runCli(
      ['digest', '--source', SEEDS, '--source', RSSHUB, '--output', output, '--data', join(cwd, 'data')],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/collected 18 new, .* 0 skipped, 0 failed sources; built 18 pages, 3 feeds and \d+ themes from 18 articles/);
    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(output)).summary).toBe('3 passed, 0 failed');

    const markers = ['海量资讯、精准解读', '责任编辑', 'appendQr', 'app-kaihu-qr', '&#123;', '<style', '<!--', 'cms-style'];
    const feed = await readJsonFeed(output);
    expect(feed.items).toHaveLength(18);
    const rss = await readFile(join(output, 'rss.xml'), 'utf8');
    const atom = await readFile(join(output, 'atom.xml'), 'utf8');
    const pages = await Promise.all(
      (await readdir(join(output, 'articles'))).map((name) => readFile(join(output, 'articles', name), 'utf8')),
    );
    expect(pages).toHaveLength(18);
    for (const marker of markers) {
      for (const item of feed.items) {
        expect(item.content_html, `${item.title}: ${marker}`).not.toContain(marker);
        expect(item.summary, `${item.title}: ${marker}`).not.toContain(marker);
      }
      expect(rss).not.toContain(marker);
      expect(atom).not.toContain(marker);
      for (const page of pages) expect(page).not.toContain(marker);
    }
  });

  it('rewrites nothing when run again with nothing changed', async () => {
    const cwd = await tempDir('rerun');
    const output = join(cwd, 'out');
    const args = ['digest', '--source', SEEDS, '--output', output, '--data', join(cwd, 'data')];
    expect((await runCli(args, { cwd })).code).toBe(0);
    const before = await modificationTimes(output);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['rss.xml', 'index.html', 'rss.xml.html', 'digests/index.html']));
    expect(Object.keys(before).filter((name) => name.startsWith('themes/')).length).toBeGreaterThan(0);
    const again = await runCli(args, { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/collected 0 new, 0 updated, 5 unchanged/);
    expect(again.stdout).toMatch(/built 0 pages, 3 feeds and 1 theme from 5 articles .*\(0 written, \d+ unchanged\)/);
    // The digest's web copy is written anew (nothing was sent, so the same digest is made again);
    // every other file, the digest archive included, is left as it was.
    const withoutWebCopies = (times: Record<string, number>) =>
      Object.fromEntries(Object.entries(times).filter(([name]) => !/^digests\/\d{4}-W\d{2}\.html$/.test(name)));
    expect(withoutWebCopies(await modificationTimes(output))).toEqual(withoutWebCopies(before));
  });

  it('keeps ids when the site moves to a new base URL', async () => {
    const cwd = await tempDir('ids');
    const data = join(cwd, 'data');
    const first = join(cwd, 'first');
    const second = join(cwd, 'second');
    await runCli(['digest', '--source', SEEDS, '--output', first, '--data', data], { cwd });
    await runCli(['digest', '--source', SEEDS, '--output', second, '--data', data], {
      cwd,
      env: { ZHOUKAN_SITE_URL: 'https://news.example.org/zhoukan/' },
    });
    const ids = async (dir: string) => (await readJsonFeed(dir)).items.map((item) => item.id).sort();
    expect(await ids(second)).toEqual(await ids(first));
    expect((await readJsonFeed(second)).items[0]?.url).toMatch(/^https:\/\/news\.example\.org\/zhoukan\/articles\//);
  });

  it('skips bad posts with one clear message each, and still writes valid feeds', async () => {
    const cwd = await tempDir('bad');
    const output = join(cwd, 'out');
    const huge = join(cwd, 'huge');
    await import('node:fs/promises').then((fs) => fs.mkdir(huge));
    await writeFile(join(huge, 'five-megabytes.md'), `---\ntitle: 太大了\n---\n<p>${'很长的正文。'.repeat(300_000)}</p>\n`);
    const result = await runCli(
      ['digest', '--source', SEEDS, '--source', BAD_POSTS, '--source', huge, '--output', output, '--data', join(cwd, 'data')],
      { cwd },
    );
    expect(result.code).toBe(0);
    const messages = result.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    for (const file of ['broken-yaml.md', 'missing-title.md', 'binary.md', 'empty.md', 'invalid-xml-chars.md', 'script-payload.md', 'five-megabytes.md']) {
      expect(messages.filter((line) => line.includes(file)), file).toHaveLength(1);
    }
    expect(result.stdout).toMatch(new RegExp(`${messages.length} warnings$`, 'm'));
    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(output)).summary).toBe('3 passed, 0 failed');
    const feed = await readJsonFeed(output);
    const script = feed.items.find((item) => /onerror|<script/i.test(item.content_html));
    expect(script).toBeUndefined();
  });

  it('reads GBK and Big5 posts into readable pages and feeds', async () => {
    const cwd = await tempDir('charsets');
    const output = join(cwd, 'out');
    const result = await runCli(
      ['digest', '--source', join(PROJECT_ROOT, 'test/fixtures/posts'), '--output', output, '--data', join(cwd, 'data')],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/gbk\.md: not UTF-8; read as gb18030/);
    expect(result.stderr).toMatch(/big5\.md: not UTF-8; read as big5/);
    const feed = await readJsonFeed(output);
    const gbk = feed.items.find((item) => item.title === '国务院常务会议部署稳经济一揽子措施');
    expect(gbk?.content_html).toContain('部署稳经济一揽子措施，努力推动经济回归正常轨道');
    const page = await readFile(gbk?.url.replace('http://127.0.0.1:8080/', `${output}/`) ?? '', 'utf8');
    expect(page).toContain('国务院总理主持召开国务院常务会议');
    expect(JSON.stringify(feed)).not.toContain('\ufffd');
    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(output)).summary).toBe('3 passed, 0 failed');
  });

  it('exits non-zero only when nothing could be read', async () => {
    const cwd = await tempDir('nothing');
    const empty = join(cwd, 'empty');
    await import('node:fs/promises').then((fs) => fs.mkdir(empty));
    await writeFile(join(empty, 'broken.md'), '---\ntitle: [unclosed\n---\n<p>正文</p>\n');
    const result = await runCli(['digest', '--source', empty, '--output', join(cwd, 'out'), '--data', join(cwd, 'data')], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.md/);
    expect(result.stderr).toMatch(/error: no article could be read from .*empty/);
  });

  it('update collects and builds without the digest, and a rerun writes nothing', async () => {
    const cwd = await tempDir('update');
    const output = join(cwd, 'out');
    const data = join(cwd, 'data');
    const args = ['update', '--source', SEEDS, '--output', output, '--data', data];
    const first = await runCli(args, { cwd });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^zhoukan: collected 5 new, .*; built 5 pages, 3 feeds and 1 theme from 5 articles in .*; 0 warnings\n$/);
    expect((await readJsonFeed(output)).items).toHaveLength(5);
    expect(await readdir(data)).not.toContain('outbox');
    // No digest yet: the archive, and the digest feeds (empty) with their pages.
    expect((await readdir(join(output, 'digests'))).sort()).toEqual(['atom.xml', 'atom.xml.html', 'feed.json', 'feed.json.html', 'index.html']);

    const before = await modificationTimes(output);
    const again = await runCli(args, { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/collected 0 new, 0 updated, 5 unchanged, .*; built 0 pages, .*\(0 written, 0 unchanged\); 0 warnings/);
    expect(await modificationTimes(output)).toEqual(before);

    // The digest afterwards holds what the updates collected.
    const digest = await runCli(['digest', '--source', SEEDS, '--output', output, '--data', data], { cwd });
    expect(digest.stdout).toMatch(/digest \S+ \(5 articles in 1 theme\) written to/);
  });

  it('answers --help for every command, and rejects an invalid config listing each problem', async () => {
    const cwd = await tempDir('help');
    for (const command of ['digest', 'update', 'collect', 'build', 'start', 'serve', 'themes']) {
      const help = await runCli([command, '--help'], { cwd });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--source DIR/);
    }
    expect((await runCli(['--help'], { cwd })).stdout).toMatch(/Commands:/);
    expect((await runCli(['nonsense'], { cwd })).code).toBe(2);

    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ timeZone: 'Nowhere/City', feed: { size: -1 } }));
    const invalid = await runCli(['digest'], { cwd });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/timeZone/);
    expect(invalid.stderr).toMatch(/feed\.size/);
  });
});

describe('zhoukan themes train', () => {
  const EXAMPLES = [
    '# theme<TAB>headline',
    '楼市快讯\t1-4月份全国房地产开发投资下降',
    '楼市快讯\t上海新房均价环比上涨',
    '楼市快讯\t多地放宽住房公积金贷款 楼市成交回暖',
    '楼市快讯\t商品房销售面积同比下降',
    '楼市快讯\t北京二手房成交量回升',
    '利率快讯\t1月LPR报价出炉 5年期下调',
    '利率快讯\t央行开展逆回购操作 利率不变',
    '利率快讯\tMLF利率下调10个基点',
    '利率快讯\t存款利率下调 银行跟进',
    '利率快讯\t贷款市场报价利率连续持平',
    'a line without a tab',
  ].join('\n');

  it.skipIf(lacks(needs.shared, 'themes train on the rsshub-page corpus'))('learns themes from examples into the data folder, and the build groups by them', async () => {
    const cwd = await tempDir('themes-train');
    const data = join(cwd, 'data');
    await writeFile(join(cwd, 'examples.tsv'), EXAMPLES);
    const trained = await runCli(['themes', 'train', 'examples.tsv', '--data', data], { cwd });
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/trained a theme model on 10 examples of 2 themes from examples\.tsv in [\d.]+ s \(cross-validated accuracy [01]\.\d{3}, leave-one-out\); wrote .*theme-model\.json/);
    expect(trained.stdout).toMatch(/^ {2}利率快讯: 5 examples, [01]\.\d\d cross-validated$/m);
    expect(trained.stderr).toMatch(/examples\.tsv: line 12: expected theme<TAB>title \(no tab\); skipped/);
    expect(JSON.parse(await readFile(join(data, 'theme-model.json'), 'utf8')).themes).toEqual(['利率快讯', '楼市快讯']);

    const output = join(cwd, 'out');
    const built = await runCli(['update', '--source', RSSHUB, '--output', output, '--data', data], { cwd });
    expect(built.code).toBe(0);
    expect(built.stderr).not.toMatch(/theme model/);
    const index = await readFile(join(output, 'index.html'), 'utf8');
    expect(index).toContain('楼市快讯');
    expect(index).toContain('利率快讯');
  });

  it.skipIf(lacks(needs.shared, 'themes train on the rsshub-page corpus'))('a damaged model is named with its reason and the build goes on without it', async () => {
    const cwd = await tempDir('themes-damaged');
    const data = join(cwd, 'data');
    await writeFile(join(cwd, 'examples.tsv'), EXAMPLES);
    expect((await runCli(['themes', 'train', 'examples.tsv', '--data', data], { cwd })).code).toBe(0);
    const model = await readFile(join(data, 'theme-model.json'), 'utf8');
    await writeFile(join(data, 'theme-model.json'), model.slice(0, 100));
    const output = join(cwd, 'out');
    const built = await runCli(['update', '--source', RSSHUB, '--output', output, '--data', data], { cwd });
    expect(built.code).toBe(0);
    expect(built.stderr).toMatch(/warning: theme model .*theme-model\.json: not valid JSON .*; grouping without it/);
    expect(built.stdout).toMatch(/built 13 pages, 3 feeds and \d+ themes from 13 articles/);
    const index = await readFile(join(output, 'index.html'), 'utf8');
    expect(index).not.toContain('楼市快讯');
    expect(index).toContain('房地产');

    // Trained again, the model regroups the newest articles though no article changed.
    expect((await runCli(['themes', 'train', 'examples.tsv', '--data', data], { cwd })).code).toBe(0);
    const rebuilt = await runCli(['update', '--source', RSSHUB, '--output', output, '--data', data], { cwd });
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).not.toMatch(/theme model/);
    expect(await readFile(join(output, 'index.html'), 'utf8')).toContain('楼市快讯');
  });

  it('says what is wrong with the command or its file', async () => {
    const cwd = await tempDir('themes-usage');
    const missing = await runCli(['themes', 'train', 'nowhere.tsv'], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the examples nowhere\.tsv: ENOENT/);
    const usage = await runCli(['themes', 'forget'], { cwd });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: zhoukan themes train FILE/);
    await writeFile(join(cwd, 'one.tsv'), '体育\t湖人险胜\n体育\t国足告负\n');
    const oneTheme = await runCli(['themes', 'train', 'one.tsv'], { cwd });
    expect(oneTheme.code).toBe(1);
    expect(oneTheme.stderr).toMatch(/one\.tsv: a theme model needs examples of at least two themes; found 2 examples of 1/);
    expect((await runCli(['update', 'extra'], { cwd })).code).toBe(2);
  });
});
