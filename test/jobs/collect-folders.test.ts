import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../../src/jobs/build.js';
import { runCollect } from '../../src/jobs/collect.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { createTestContext } from '../support/context.js';

const SEEDS = join(PROJECT_ROOT, 'seeds');

async function seedsCopy(dir: string): Promise<string> {
  const folder = join(dir, 'posts');
  await cp(SEEDS, folder, { recursive: true });
  return folder;
}

describe('collecting a folder', () => {
  it('reads only new or changed files, updates an edited post under the same id, and keeps deleted ones', async () => {
    const context = await createTestContext({ sources: [] });
    const folder = await seedsCopy(context.dir);
    const config = { ...context.config, sources: [{ name: 'posts', path: folder }] };
    const run = (minutes: number) => runCollect({ ...context, config, now: new Date(context.now.getTime() + minutes * 60_000) });

    expect(await run(0)).toMatchObject({ new: 5, updated: 0, unchanged: 0, skipped: 0 });
    expect(await run(1)).toMatchObject({ new: 0, updated: 0, unchanged: 5 });

    // Touched but not changed: no update.
    const touched = join(folder, '001_dfe2e70512514d13.txt');
    await utimes(touched, new Date(), new Date('2030-01-01T00:00:00Z'));
    expect(await run(2)).toMatchObject({ new: 0, updated: 0, unchanged: 5 });

    // Edited: same id, new text, an `updated` date.
    const edited = join(folder, '000_eacf37cdd6e333c5.txt');
    const original = await readFile(edited, 'utf8');
    await writeFile(edited, original.replace('突出做好“1+4+1”系列重点工作。</p>', '突出做好“1+4+1”系列重点工作。补充一句新的内容。</p>'));
    expect(await run(3)).toMatchObject({ new: 0, updated: 1, unchanged: 4 });
    const [article] = (await context.store.latestArticles(50)).filter((a) => a.path === '000_eacf37cdd6e333c5.txt');
    expect(article?.text).toContain('补充一句新的内容。');
    expect(article?.updated).toEqual(new Date(context.now.getTime() + 3 * 60_000));
    expect(article?.id).toMatch(/^tag:127\.0\.0\.1,2022-06-08:posts\/000_eacf37cdd6e333c5\.txt$/);

    // Deleted: logged, still archived and published.
    await rm(join(folder, '004_667bf2112a95e142.txt'));
    expect(await run(4)).toMatchObject({ new: 0, deleted: 1 });
    expect(context.log.lines.some((line) => line.includes('004_667bf2112a95e142.txt: file deleted; its article stays archived'))).toBe(true);
    expect((await context.store.counts()).articles).toBe(5);
    await context.store.close();
  });

  it('does not read a bad file again until it changes', async () => {
    const context = await createTestContext({ sources: [] });
    const folder = join(context.dir, 'posts');
    await mkdir(folder);
    await writeFile(join(folder, 'broken.md'), '---\ntitle: [unclosed\n---\n<p>正文。</p>\n');
    const config = { ...context.config, sources: [{ name: 'posts', path: folder }] };
    expect(await runCollect({ ...context, config })).toMatchObject({ new: 0, skipped: 1 });
    expect(await runCollect({ ...context, config })).toMatchObject({ new: 0, skipped: 0, unchanged: 1 });
    await writeFile(join(folder, 'broken.md'), '---\ntitle: 修好了\n---\n<p>正文。</p>\n');
    expect(await runCollect({ ...context, config })).toMatchObject({ new: 1, skipped: 0 });
    await context.store.close();
  });

  it('records the same story from a second file as a duplicate, published once', async () => {
    const context = await createTestContext({ sources: [] });
    const folder = await seedsCopy(context.dir);
    const copy = (await readFile(join(folder, '002_d098253af40e3e8d.txt'), 'utf8')).replace(
      "title: '如何缓解中小微企业经营困难？工信部：进一步落实已出台政策'",
      "title: '工信部回应中小微企业经营困难'",
    ).replace('Mon, 13 Sep 2021 05:33:28 GMT', 'Tue, 14 Sep 2021 01:00:00 GMT');
    await writeFile(join(folder, 'repost.txt'), copy);
    const config = { ...context.config, sources: [{ name: 'posts', path: folder }] };
    expect(await runCollect({ ...context, config })).toMatchObject({ new: 5, duplicates: 1 });
    expect((await context.store.latestArticles(50)).map((article) => article.title)).not.toContain('工信部回应中小微企业经营困难');
    await context.store.close();
  });

  it('builds only the pages of what changed, and everything again when the settings change', async () => {
    const context = await createTestContext({ sources: [] });
    const folder = await seedsCopy(context.dir);
    const config = { ...context.config, sources: [{ name: 'posts', path: folder }] };
    await runCollect({ ...context, config });
    expect(await runBuild({ ...context, config })).toMatchObject({ pages: 5, full: true, articles: 5 });
    expect(await runBuild({ ...context, config })).toMatchObject({ pages: 0, full: false, files: { written: 0 } });

    await writeFile(join(folder, 'new.md'), '---\ntitle: 新文章\ndate: 2022-06-01 10:00\n---\n<p>一篇新文章的正文。</p>\n');
    await runCollect({ ...context, config });
    const incremental = await runBuild({ ...context, config });
    expect(incremental).toMatchObject({ pages: 1, full: false, articles: 6 });
    // The new page, the three feeds and their pages, the index, and the page, two feeds and their
    // pages of the theme it joined (其他要闻) changed; the other themes' files, the stylesheet and
    // the icon did not.
    expect(incremental.files.written).toBe(13);
    expect(await readFile(join(context.config.output, 'themes/other.xml'), 'utf8')).toContain('新文章');

    const moved = { ...config, site: { ...config.site, url: 'https://news.example.org/' } };
    expect(await runBuild({ ...context, config: moved })).toMatchObject({ pages: 6, full: true });
    await context.store.close();
  });

  it('builds everything into an output folder other than the one built last, as another instance has', async () => {
    const context = await createTestContext({ sources: [] });
    const folder = await seedsCopy(context.dir);
    const config = { ...context.config, sources: [{ name: 'posts', path: folder }] };
    const elsewhere = { ...config, output: join(context.dir, 'other-output') };
    await runCollect({ ...context, config });
    expect(await runBuild({ ...context, config })).toMatchObject({ pages: 5, full: true });
    expect(await runBuild({ ...context, config: elsewhere })).toMatchObject({ pages: 5, full: true });

    // A post arrives; the first folder misses the page the other got: everything is written there.
    await writeFile(join(folder, 'new.md'), '---\ntitle: 新文章\ndate: 2022-06-01 10:00\n---\n<p>一篇新文章的正文。</p>\n');
    await runCollect({ ...context, config });
    expect(await runBuild({ ...context, config: elsewhere })).toMatchObject({ pages: 1, full: false });
    expect(await runBuild({ ...context, config })).toMatchObject({ pages: 6, full: true });
    expect(existsSync(join(config.output, 'articles'))).toBe(true);
    expect(await readdir(join(config.output, 'articles'))).toEqual(await readdir(join(elsewhere.output, 'articles')));
    await context.store.close();
  });
});
