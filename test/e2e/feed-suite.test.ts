import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { parseDocument } from 'htmlparser2';
import type { ChildNode } from 'domhandler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../../src/clean/title.js';
import { feedSource } from '../../src/config/sources.js';
import { runCli, SHARED } from '../support/cli.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { can, lacks, needs } from '../support/requirements.js';
import { validateFeeds } from '../support/validate-feeds.js';

// The Universal Feed Parser's test suite (about 2,100 feeds nobody here wrote: well-formed and
// ill-formed RSS, Atom, RDF and CDF, encodings, entities, 745 sanitizer cases) served over
// loopback with the Content-Type each file asks for, and collected with the command line in
// batches: no run may fail or print a stack trace, every run's feeds pass the checkers, nothing
// executable reaches a page or a feed, and the sanitizer cases keep their harmless text.
// The whole suite takes about two minutes here: with ZHOUKAN_FEED_SUITE=full (as CI runs it), all
// of it; otherwise every eighth feed, the same ones each time.
const FULL = process.env.ZHOUKAN_FEED_SUITE === 'full';

const SUITE = join(SHARED, 'corpus/feeds/feedparser-tests');
/** Feeds per run of the command line: a failure names a batch small enough to look into. */
const BATCH = 150;

/**
 * Sanitizer cases whose text is not compared, and why: Atom 0.3 `mode="base64"` content (the feed
 * parser does not say the mode, so the text stays encoded: harmless, but not the text), and a
 * CDATA section nested in CDATA, whose expected text is that markup's residue, not prose.
 */
const NOT_COMPARED = new Set([
  'wellformed/sanitize/entry_content_script_base64.xml',
  'wellformed/sanitize/entry_summary_script_base64.xml',
  'wellformed/sanitize/item_content_encoded_script_nested_cdata.xml',
]);

interface SuiteFeed {
  /** Path under the suite, with forward slashes. */
  path: string;
  contentType?: string;
  /** For sanitizer cases: the text feedparser keeps, as plain text. */
  harmlessText?: string;
}

function suiteFeeds(): SuiteFeed[] {
  const paths = (readdirSync(SUITE, { recursive: true }) as string[])
    .filter((path) => /\.(xml|json)$/.test(path))
    .map((path) => path.split('\\').join('/'))
    .sort();
  return paths.map((path) => {
    const head = readFileSync(join(SUITE, path), 'latin1').slice(0, 2000);
    const contentType = /^Header:\s*Content-type:\s*(.+)$/im.exec(head)?.[1]?.trim();
    // Only the cases about items: feed-level text (titles, taglines) is not archived.
    const expected = /^Expect:.*entries\[0\].*==\s*u?(['"])((?:\\.|(?!\1).)*)\1\s*$/m.exec(head)?.[2];
    const harmlessText =
      path.startsWith('wellformed/sanitize/') && expected && !NOT_COMPARED.has(path) ? plainText(expected.replace(/\\(.)/g, '$1')) : '';
    return { path, ...(contentType && { contentType }), ...(harmlessText && { harmlessText }) };
  });
}

/** Elements and URL schemes that run code, wherever they appear in a page or a feed's HTML. */
const EXECUTABLE_ELEMENTS = new Set(['script', 'iframe', 'object', 'embed', 'base', 'applet', 'frame', 'frameset']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'background', 'xlink:href', 'data', 'srcset', 'dynsrc', 'lowsrc']);
const EXECUTABLE_URL = /^(?:javascript|vbscript|data:text\/html)/;

/** Everything executable in an HTML document or fragment, as `element` or `element@attribute=value`. */
function executableContent(html: string): string[] {
  const found: string[] = [];
  const visit = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
      if (EXECUTABLE_ELEMENTS.has(node.name)) found.push(node.name);
      if (node.name === 'meta' && node.attribs['http-equiv'] !== undefined) found.push('meta@http-equiv');
      for (const [name, value] of Object.entries(node.attribs)) {
        // eslint-disable-next-line no-control-regex
        const squeezed = value.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
        if (name.startsWith('on') || (URL_ATTRIBUTES.has(name) && EXECUTABLE_URL.test(squeezed))) found.push(`${node.name}@${name}=${value.slice(0, 40)}`);
      }
      visit(node.children);
    }
  };
  visit(parseDocument(html).children);
  return found;
}

/** The HTML of every item of the three feeds (CDATA and JSON strings alike). */
function feedHtml(name: string, text: string): string[] {
  if (name.endsWith('.json')) {
    const feed = JSON.parse(text) as { items: { content_html?: string; summary?: string }[] };
    return feed.items.flatMap((item) => [item.content_html ?? '', item.summary ?? '']);
  }
  return [...text.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((match) => match[1] as string);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const noSuite = lacks(needs.shared, 'the Universal Feed Parser test suite');
const feeds = noSuite ? [] : suiteFeeds().filter((_feed, index) => FULL || index % 8 === 0);
const batches: SuiteFeed[][] = [];
for (let start = 0; start < feeds.length; start += BATCH) batches.push(feeds.slice(start, start + BATCH));

let server: FeedServer;
const types = new Map(feeds.map((feed) => [`/${feed.path}`, feed.contentType]));
beforeAll(async () => {
  server = await startFeedServer({ root: SUITE, contentType: (path) => types.get(decodeURIComponent(path)) });
});
afterAll(async () => {
  await server.close();
});

/** Counts over every batch, for the closing line. */
const totals = { feeds: 0, articles: 0, skipped: 0, failedSources: 0, harmless: 0, harmlessKept: 0 };
afterAll(() => {
  console.log(`feed suite: ${totals.feeds} feeds, ${totals.articles} articles archived, ${totals.skipped} items or feeds skipped, ${totals.failedSources} failed sources; sanitizer cases with harmless text kept: ${totals.harmlessKept} of ${totals.harmless}`);
});

describe.skipIf(noSuite)('the Universal Feed Parser test suite, collected over HTTP', () => {
  it('has the suite', () => {
    expect(feeds.length).toBeGreaterThan(FULL ? 2000 : 250);
    expect(feeds.filter((feed) => feed.harmlessText).length).toBeGreaterThan(FULL ? 150 : 15);
  });

  it.each(batches.map((batch, index) => [`${index + 1} of ${batches.length}: ${batch[0]?.path} … ${batch.at(-1)?.path}`, batch] as const))(
    'batch %s',
    async (_name, batch) => {
      const dir = await mkdtemp(join(tmpdir(), 'zhoukan-suite-'));
      await writeFile(join(dir, 'zhoukan.config.json'), JSON.stringify({ sources: [], feed: { size: 10_000 } }));
      const args = ['update', ...batch.flatMap((feed) => ['--feed', server.url(`/${feed.path}`)]), '--output', 'out', '--data', 'data'];
      const run = await runCli(args, { cwd: dir });
      totals.feeds += batch.length;

      // A bad feed or item is named and skipped; the run ends normally, with no stack trace. A
      // batch of feeds that hold nothing usable at all ends with 1 and says so.
      const nothingRead = run.stdout.includes('collected 0 new') && run.stderr.includes('error: no article could be read from');
      expect(run.code, run.stderr.slice(-3000)).toBe(nothingRead ? 1 : 0);
      expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(run.stdout).toMatch(/^zhoukan: collected \d+ new/m);
      const counts = /(\d+) skipped, (\d+) failed sources/.exec(run.stdout);
      totals.skipped += Number(counts?.[1] ?? 0);
      totals.failedSources += Number(counts?.[2] ?? 0);

      const out = join(dir, 'out');
      if (can(needs.feedCheckers, 'feed checks')) {
        const validation = await validateFeeds(out);
        expect(validation.code, validation.output.slice(-3000)).toBe(0);
      }

      // Nothing executable in any page or feed.
      for (const path of await filesUnder(out)) {
        const name = relative(out, path);
        const text = await readFile(path, 'utf8');
        if (name.endsWith('.html')) expect(executableContent(text), name).toEqual([]);
        if (/\.(xml|json)$/.test(name) && !name.endsWith('.xsl')) {
          for (const html of feedHtml(name, text)) expect(executableContent(html), name).toEqual([]);
        }
      }

      // The sanitizer cases keep their harmless text.
      const db = new Database(join(dir, 'data/zhoukan.db'), { readonly: true });
      try {
        totals.articles += (db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
        const articles = db.prepare("SELECT source, title || ' ' || text AS text FROM articles").all() as { source: string; text: string }[];
        for (const feed of batch.filter((candidate) => candidate.harmlessText)) {
          totals.harmless += 1;
          // Items of several cases with the same content are one article, archived under the first
          // feed that had it: the text is looked for there when the case's own feed has none.
          const { name } = feedSource(server.url(`/${feed.path}`), 'test', []);
          const own = articles.filter((article) => article.source === name);
          const texts = (own.length > 0 ? own : articles).map((article) => article.text.replace(/\s+/g, ' '));
          expect(texts.some((text) => text.includes(feed.harmlessText as string)), `${feed.path}: "${feed.harmlessText}"`).toBe(true);
          totals.harmlessKept += 1;
        }
      } finally {
        db.close();
      }
    },
    300_000,
  );
});
