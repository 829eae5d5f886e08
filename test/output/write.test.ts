import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/model.js';
import { pageMainContent } from '../../src/clean/index.js';
import { writeArticlePages } from '../../src/output/write.js';
import { SyncBatch } from '../../src/util/fs.js';

function article(slug: string, published: Date): Article {
  return {
    id: `tag:127.0.0.1,2026-12-07:seeds/${slug}`,
    source: 'seeds',
    slug,
    title: '标题',
    published,
    dateGuessed: false,
    categories: [],
    html: '<p>正文。</p>',
    text: '正文。',
    summary: '正文。',
    length: 3,
    images: [],
    meta: {},
  };
}

describe('writeArticlePages', () => {
  it('writes every page it can render and tells of the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-write-'));
    const options = { dir, site: { url: 'http://127.0.0.1:8080/', title: '周刊', description: '', idAuthority: '127.0.0.1,2026-12-07' }, timeZone: 'Asia/Shanghai', pageContent: pageMainContent };
    const skipped: string[] = [];
    const batch = new SyncBatch();
    const articles = [article('a', new Date('2026-12-07T00:00:00Z')), article('b', new Date(Number.NaN)), article('c', new Date('2026-12-06T00:00:00Z'))];
    const count = await writeArticlePages(articles, options, batch, (left) => skipped.push(left.slug));
    await batch.flush();
    expect(skipped).toEqual(['b']);
    expect(count.written).toBe(2);
    expect((await readdir(join(dir, 'articles'))).sort()).toEqual(['a.html', 'c.html']);
  });
});
