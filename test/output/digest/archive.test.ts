import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDigestWebCopies, renderDigestArchivePage } from '../../../src/output/digest/archive.js';
import { renderDigestPage } from '../../../src/output/digest/render.js';
import { RENDER_OPTIONS, SITE, sampleDigest } from '../../support/digest-sample.js';

describe('the digest archive', () => {
  it('lists every web copy in digests/, newest first, with what its <meta> says', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-archive-'));
    const folder = join(output, 'digests');
    await mkdir(folder);
    const digest = sampleDigest();
    await writeFile(join(folder, '2022-W20.html'), renderDigestPage(digest, RENDER_OPTIONS));
    // Older web copies without the <meta>, a temporary file of an atomic write, and the archive itself.
    await writeFile(join(folder, '2022-W20-2.html'), '<!doctype html><title>旧版</title>');
    await writeFile(join(folder, '2022-W20-10.html'), '<!doctype html><title>旧版</title>');
    await writeFile(join(folder, '.2022-W21.html.0a1b2c.tmp'), 'half');
    await writeFile(join(folder, 'index.html'), 'the archive');

    const entries = await listDigestWebCopies(output);
    expect(entries.map((entry) => entry.id)).toEqual(['2022-W20-10', '2022-W20-2', '2022-W20']);
    expect(entries[2]).toEqual({
      id: '2022-W20',
      week: '2022年第20周',
      period: '2022年5月16日—5月22日',
      total: 12,
      themes: digest.themes.map((theme) => theme.name),
      date: digest.createdAt.toISOString(),
    });
    expect(entries[0]).toEqual({ id: '2022-W20-10', week: '2022-W20-10', themes: [] });

    const page = renderDigestArchivePage(entries, { url: SITE.url, title: SITE.title });
    expect(page).toContain('<a href="2022-W20.html">2022年第20周</a>');
    expect(page).toContain('2022年5月16日—5月22日<span class="sep"> · </span>共12篇');
    expect(page).toContain(`<link rel="canonical" href="${SITE.url}digests/index.html">`);
    expect(page).toContain('<a class="brand" href="../index.html">');
  });

  it('is empty, and says so, when there is no digests/ yet', async () => {
    const output = await mkdtemp(join(tmpdir(), 'zhoukan-archive-'));
    expect(await listDigestWebCopies(output)).toEqual([]);
    expect(renderDigestArchivePage([], { url: SITE.url, title: SITE.title })).toContain('还没有每周摘要。');
  });
});
