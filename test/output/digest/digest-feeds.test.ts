import { mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { pageMainContent } from '../../../src/clean/index.js';
import type { Digest } from '../../../src/model.js';
import { listDigestWebCopies } from '../../../src/output/digest/archive.js';
import { DIGEST_FEED_ENTRIES, DIGEST_FEED_MAX_BYTES } from '../../../src/output/digest/feed-entries.js';
import { renderDigestPage } from '../../../src/output/digest/render.js';
import { DIGEST_ARCHIVE_FILE, DIGEST_FEED_FILES, digestWebCopyPath, feedPagePath } from '../../../src/output/paths.js';
import { renderIndexPage } from '../../../src/output/site/index-page.js';
import { writeDigestArchive, writeDigestWebCopy } from '../../../src/output/write.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';
import { createMemoryLog } from '../../../src/util/log.js';
import { joinUrl } from '../../../src/util/url.js';
import { lacks, needs } from '../../support/requirements.js';
import { bigDigest, TIME_ZONE, sampleDigest } from '../../support/digest-sample.js';
import { validateFeeds } from '../../support/validate-feeds.js';

// The digest feeds as the build and the digest job write them: from real web copies in a real
// output folder, read back with a real XML parser, served by the real server.

const SITE = { url: 'http://127.0.0.1:8080/zhoukan/', title: '周刊 & <财经>' };
const AWKWARD_TITLE = 'A&B <公司> ]]> 业绩 ]]> &amp; 预告';
const AWKWARD_SUMMARY = '营收 ]]> 增长 & 利润 <b>下滑</b>';

interface AtomEntry {
  id: string;
  title: string;
  link: { '@_href': string };
  updated: string;
  published: string;
  content: string;
  summary: string;
}

function digestOf(id: string, createdAt: string, patch: (digest: Digest) => void = () => {}): Digest {
  const digest = { ...sampleDigest(), id, createdAt: new Date(createdAt) };
  patch(digest);
  return digest;
}

async function writeWebCopy(output: string, digest: Digest): Promise<void> {
  const options = { site: SITE, timeZone: TIME_ZONE, webCopyUrl: joinUrl(SITE.url, digestWebCopyPath(digest.id)) };
  await mkdir(join(output, 'digests'), { recursive: true });
  await writeFile(join(output, digestWebCopyPath(digest.id)), renderDigestPage(digest, options));
}

async function writeArchive(output: string): Promise<boolean> {
  return writeDigestArchive({ dir: output, site: SITE, pageContent: pageMainContent });
}

async function readAtomEntries(output: string): Promise<AtomEntry[]> {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });
  const atom = parser.parse(await readFile(join(output, DIGEST_FEED_FILES.atom), 'utf8')) as { feed: { entry?: Record<string, unknown>[] } };
  // Elements with attributes (`type="html"`) come as { '#text': …, '@_type': … }.
  const text = (value: unknown) => String(typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['#text'] : value);
  return (atom.feed.entry ?? []).map((entry) => ({
    ...(entry as unknown as AtomEntry),
    title: text(entry.title),
    summary: text(entry.summary),
    content: text(entry.content),
  }));
}

async function readJsonItems(output: string): Promise<{ id: string; url: string; title: string; content_html: string; date_published: string }[]> {
  return (JSON.parse(await readFile(join(output, DIGEST_FEED_FILES.json), 'utf8')) as { items: never[] }).items;
}

/** Text of some HTML, as a reader shows it. */
function textOf(html: string): string {
  return load(html).root().text();
}

/** Every href and src of some HTML. */
function urlsIn(html: string): string[] {
  const $ = load(html);
  return [...$('[href]').map((_, element) => $(element).attr('href')), ...$('[src]').map((_, element) => $(element).attr('src'))];
}

describe('the digest feeds', () => {
  it('hold one entry per digest of the archive, newest first, each its whole web copy with absolute URLs', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    await writeWebCopy(output, digestOf('2022-W20', '2022-05-23T00:00:00Z'));
    await writeWebCopy(output, digestOf('2022-W20-2', '2022-05-24T00:00:00Z'));
    await writeWebCopy(output, digestOf('2022-W21', '2022-05-30T00:00:00Z'));
    expect(await writeArchive(output)).toBe(true);

    const archive = await listDigestWebCopies(output);
    expect(archive.map((entry) => entry.id)).toEqual(['2022-W21', '2022-W20-2', '2022-W20']);
    const webCopyUrls = archive.map((entry) => joinUrl(SITE.url, digestWebCopyPath(entry.id)));
    const atom = await readAtomEntries(output);
    const json = await readJsonItems(output);
    expect(atom.map((entry) => entry.id)).toEqual(webCopyUrls);
    expect(atom.map((entry) => entry.link['@_href'])).toEqual(webCopyUrls);
    expect(json.map((item) => item.id)).toEqual(webCopyUrls);
    expect(atom.map((entry) => entry.updated)).toEqual(['2022-05-30T00:00:00.000Z', '2022-05-24T00:00:00.000Z', '2022-05-23T00:00:00.000Z']);
    expect(json.map((item) => item.date_published)).toEqual(atom.map((entry) => entry.updated));

    const digest = sampleDigest();
    for (const content of [atom[0]?.content ?? '', json[0]?.content_html ?? '']) {
      const text = textOf(content);
      // The whole digest: every entry of every theme, not the e-mail's first few.
      for (const entry of digest.themes.flatMap((theme) => theme.entries)) expect(text).toContain(entry.summary);
      // Links and pictures resolve without a base: the contents lead into the web copy, "all
      // digests" to the archive; nothing relative is left.
      const urls = urlsIn(content);
      expect(urls.length).toBeGreaterThan(10);
      for (const url of urls) expect(url).toMatch(/^https?:\/\//);
      expect(urls).toContain(`${webCopyUrls[0]}#theme-1`);
      expect(urls).toContain(joinUrl(SITE.url, DIGEST_ARCHIVE_FILE));
      // Sanitized as an article body: the title with a <script> in it is text, no class is left.
      const $ = load(content);
      expect($('script, [class], [style], nav, section, time').length).toBe(0);
      expect(text).toContain('<script>alert("周刊")</script> 民营企业家谈信心');
    }
  });

  it.skipIf(lacks(needs.feedCheckers, 'digest feeds: every checker accepts them'))(
    'are accepted by every feed checker, with awkward text and `]]>` in the digest',
    async () => {
      const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
      await writeWebCopy(
        output,
        digestOf('2022-W20', '2022-05-23T00:00:00Z', (digest) => {
          const first = digest.themes[0]?.entries[0];
          if (first) Object.assign(first, { title: AWKWARD_TITLE, summary: AWKWARD_SUMMARY });
        }),
      );
      await writeWebCopy(output, digestOf('2022-W21', '2022-05-30T00:00:00Z'));
      await writeArchive(output);
      const result = await validateFeeds(join(output, 'digests'));
      expect(result.output).not.toMatch(/^FAIL/m);
      expect(result.summary).toBe('2 passed, 0 failed');
      expect(result.code).toBe(0);
    },
  );

  it('keep awkward text and `]]>` in the content as written', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    await writeWebCopy(
      output,
      digestOf('2022-W20', '2022-05-23T00:00:00Z', (digest) => {
        const first = digest.themes[0]?.entries[0];
        if (first) Object.assign(first, { title: AWKWARD_TITLE, summary: AWKWARD_SUMMARY, thumbnail: 'https://img.example.cn/a.jpg?w=1&h=2' });
      }),
    );
    await writeArchive(output);
    const [entry] = await readAtomEntries(output);
    const [item] = await readJsonItems(output);
    for (const content of [entry?.content ?? '', item?.content_html ?? '']) {
      const text = textOf(content);
      expect(text).toContain(AWKWARD_TITLE);
      expect(text).toContain(AWKWARD_SUMMARY);
      expect(urlsIn(content)).toContain('https://img.example.cn/a.jpg?w=1&h=2');
    }
    // The site's title, with its `&` and `<`, in the feed's own title.
    const raw = await readFile(join(output, DIGEST_FEED_FILES.atom), 'utf8');
    const parser = new XMLParser();
    expect((parser.parse(raw) as { feed: { title: string } }).feed.title).toBe('周刊 & <财经> · 每周摘要');
  });

  it('do not grow when the feeds are rewritten or a digest is written again', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    const digest = digestOf('2022-W20', '2022-05-23T00:00:00Z');
    await writeWebCopy(output, digest);
    await writeArchive(output);
    const first = await readFile(join(output, DIGEST_FEED_FILES.atom), 'utf8');
    // A rebuild changes nothing; a rerun that writes the same digest again keeps its one entry.
    expect(await writeArchive(output)).toBe(false);
    await writeWebCopy(output, digest);
    expect(await writeArchive(output)).toBe(false);
    expect(await readFile(join(output, DIGEST_FEED_FILES.atom), 'utf8')).toBe(first);
    expect((await readAtomEntries(output)).map((entry) => entry.id)).toEqual([joinUrl(SITE.url, digestWebCopyPath('2022-W20'))]);
    // The feed pages beside the feeds are no digests.
    expect((await listDigestWebCopies(output)).map((entry) => entry.id)).toEqual(['2022-W20']);
  });

  it('keep the date of a digest made again unchanged, and date it anew when it changed', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    await mkdir(join(output, 'digests'));
    const path = join(output, digestWebCopyPath('2022-W20'));
    const options = { site: SITE, timeZone: TIME_ZONE, webCopyUrl: joinUrl(SITE.url, digestWebCopyPath('2022-W20')) };
    expect(await writeDigestWebCopy(path, renderDigestPage(digestOf('2022-W20', '2022-05-23T00:00:00Z'), options))).toBe(true);
    // A rerun before the digest was sent makes it again, an hour later, with the same articles.
    expect(await writeDigestWebCopy(path, renderDigestPage(digestOf('2022-W20', '2022-05-23T01:00:00Z'), options))).toBe(false);
    await writeArchive(output);
    expect((await readAtomEntries(output))[0]?.updated).toBe('2022-05-23T00:00:00.000Z');
    // With one more article it is another digest under the same id: dated when made.
    const changed = digestOf('2022-W20', '2022-05-23T02:00:00Z', (digest) => {
      digest.total += 1;
    });
    expect(await writeDigestWebCopy(path, renderDigestPage(changed, options))).toBe(true);
    await writeArchive(output);
    expect((await readAtomEntries(output)).map((entry) => entry.updated)).toEqual(['2022-05-23T02:00:00.000Z']);
  });

  it('carry the newest digests only, and date an older web copy without a date by its file', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    for (let week = 1; week <= DIGEST_FEED_ENTRIES + 2; week += 1) {
      const id = `2022-W${String(week).padStart(2, '0')}`;
      await writeWebCopy(output, digestOf(id, `2022-01-0${(week % 9) + 1}T00:00:00Z`));
    }
    // An older version's web copy: no <meta>, no <main>.
    await writeFile(join(output, digestWebCopyPath('2022-W40')), '<!doctype html><title>旧版</title><p>旧版的摘要</p>');
    const written = new Date('2022-10-10T10:00:00Z');
    await utimes(join(output, digestWebCopyPath('2022-W40')), written, written);
    await writeArchive(output);
    const entries = await readAtomEntries(output);
    expect(entries).toHaveLength(DIGEST_FEED_ENTRIES);
    expect(entries[0]?.id).toBe(joinUrl(SITE.url, digestWebCopyPath('2022-W40')));
    expect(entries[0]?.updated).toBe(written.toISOString());
    expect(entries[0]?.title).toBe('2022-W40');
    expect(entries.at(-1)?.id).toBe(joinUrl(SITE.url, digestWebCopyPath('2022-W04')));
  });

  it('sanitize a web copy that was edited by hand', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    await mkdir(join(output, 'digests'));
    await writeFile(
      join(output, digestWebCopyPath('2022-W19')),
      '<!doctype html><main><p onclick="steal()">正文</p><script>alert(1)</script><img src="x.png" onerror="steal()"><a href="javascript:alert(1)">链接</a><a href="2022-W18.html">上一期</a><iframe src="https://evil.example/"></iframe></main>',
    );
    await writeArchive(output);
    const [entry] = await readAtomEntries(output);
    expect(entry?.content).toBe(
      '<p>正文</p><img src="http://127.0.0.1:8080/zhoukan/digests/x.png" />链接<a href="http://127.0.0.1:8080/zhoukan/digests/2022-W18.html" rel="nofollow noopener noreferrer">上一期</a>',
    );
  });

  it('carry no more web copies than a reader fetches, but always the newest', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    for (const week of [18, 19, 20, 21, 22, 23]) await writeWebCopy(output, { ...bigDigest(), id: `2022-W${week}`, createdAt: new Date(`2022-06-0${week - 17}T00:00:00Z`) });
    const size = (await readFile(join(output, digestWebCopyPath('2022-W23')))).length;
    await writeArchive(output);
    const entries = await readAtomEntries(output);
    expect(entries.length).toBe(Math.floor(DIGEST_FEED_MAX_BYTES / size));
    expect(entries[0]?.id).toBe(joinUrl(SITE.url, digestWebCopyPath('2022-W23')));
    // The feed's page lists what the feed holds.
    const page = await readFile(join(output, feedPagePath(DIGEST_FEED_FILES.atom)), 'utf8');
    expect(page).toContain(`最新${entries.length}期`);
    expect(page).not.toContain('2022-W18.html');
  });

  it('exist, empty, before the first digest, so the links to them lead somewhere', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    await writeArchive(output);
    expect(await readAtomEntries(output)).toEqual([]);
    expect(await readJsonItems(output)).toEqual([]);
    for (const path of Object.values(DIGEST_FEED_FILES)) expect(await readFile(join(output, feedPagePath(path)), 'utf8')).toContain('最新0期');
  });
});

describe('the pages that announce the digest feeds', () => {
  let server: RunningServer | undefined;
  afterAll(async () => server?.close());

  it('are the archive page and the index, for readers and for people', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-digest-feeds-'));
    await writeWebCopy(output, digestOf('2022-W20', '2022-05-23T00:00:00Z'));
    await writeArchive(output);
    const archive = await readFile(join(output, DIGEST_ARCHIVE_FILE), 'utf8');
    const index = renderIndexPage([], { ...SITE, description: '', timeZone: TIME_ZONE });
    for (const [page, root] of [
      [archive, '../'],
      [index, ''],
    ] as const) {
      expect(page).toContain(`<link rel="alternate" type="application/atom+xml" title="周刊 &amp; &lt;财经&gt; · 每周摘要 (Atom)" href="${root}digests/atom.xml">`);
      expect(page).toContain(`<link rel="alternate" type="application/feed+json" title="周刊 &amp; &lt;财经&gt; · 每周摘要 (JSON Feed)" href="${root}digests/feed.json">`);
      expect(page).toContain(`<a href="${root}digests/atom.xml.html">Atom</a><a href="${root}digests/feed.json.html">JSON Feed</a>`);
    }
    // The feed's page lists the digests, linking their web copies.
    const feedPage = await readFile(join(output, feedPagePath(DIGEST_FEED_FILES.atom)), 'utf8');
    expect(feedPage).toContain('<a href="2022-W20.html">2022年第20周</a>');
    expect(feedPage).toContain(`<a href="${joinUrl(SITE.url, DIGEST_FEED_FILES.atom)}">`);

    // At the feed's URL, the server gives a browser the page and a reader the feed.
    server = await startServer({ root: output, port: 0, log: createMemoryLog() });
    for (const path of Object.values(DIGEST_FEED_FILES)) {
      const browser = await fetch(`${server.url}${path}`, { headers: { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
      expect(browser.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await browser.text()).toContain('class="feed-page"');
      const reader = await fetch(`${server.url}${path}`, { headers: { Accept: '*/*' } });
      expect(reader.headers.get('content-type')).toMatch(/^application\/(atom|feed)\+(xml|json); charset=utf-8$/);
      expect(await reader.text()).toContain(joinUrl(SITE.url, digestWebCopyPath('2022-W20')));
    }
  });
});
