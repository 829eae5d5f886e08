import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../../src/jobs/build.js';
import { runCollect } from '../../src/jobs/collect.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { createTestContext } from '../support/context.js';

// The site's front built from the archive: themes of the newest articles, each with a page and
// feeds, and what becomes of a theme's files when it leaves the newest.

const SEEDS = join(PROJECT_ROOT, 'seeds');

const HOUSING_POST = `---
title: 多地楼市新政落地：下调首付比例，房贷利率走低
date: 2022-07-01 10:00
---
<p>多地出台楼市新政，下调首付比例，房贷利率继续走低。业内人士表示，房地产市场有望企稳，商品房销售面积降幅收窄，房价总体平稳。</p>
<p>开发商拿地意愿回升，二手房成交有所回暖，保交楼工作有序推进。</p>
`;

describe('building the site', () => {
  it('gives each theme of the newest articles a page and two feeds with their pages, listed on the index', async () => {
    const context = await createTestContext({ sources: [SEEDS] });
    await runCollect(context);
    const summary = await runBuild(context);
    const themes = await readdir(join(context.config.output, 'themes'));
    expect(themes.length).toBe(5 * summary.themes);
    expect(themes).toEqual(
      expect.arrayContaining(['smes-private-economy.html', 'smes-private-economy.xml', 'smes-private-economy.json', 'smes-private-economy.xml.html', 'smes-private-economy.json.html']),
    );
    const index = await readFile(join(context.config.output, 'index.html'), 'utf8');
    for (const name of themes) expect(index).toContain(`href="themes/${name}"`);
    expect(index).toContain('href="digests/index.html"');
    expect(await readFile(join(context.config.output, 'digests/index.html'), 'utf8')).toContain('还没有每周摘要。');
    // No inline styles or scripts anywhere: the server's Content-Security-Policy would refuse them.
    for (const page of ['index.html', 'themes/smes-private-economy.html', 'digests/index.html']) {
      const html = await readFile(join(context.config.output, page), 'utf8');
      expect(html, page).not.toMatch(/<style|<script|\sstyle=/);
    }
    await context.store.close();
  });

  it('keeps the page and feeds of a theme that left the newest articles, as they were', async () => {
    const context = await createTestContext({ sources: [] });
    const folder = join(context.dir, 'posts');
    await cp(SEEDS, folder, { recursive: true });
    // One article at a time is "the newest": the newest seed is about SMEs.
    const config = { ...context.config, sources: [{ name: 'posts', path: folder }], feed: { size: 1 } };
    await runCollect({ ...context, config });
    await runBuild({ ...context, config });
    const themeFile = (name: string) => readFile(join(config.output, 'themes', name), 'utf8');
    const smesFeed = await themeFile('smes-private-economy.xml');

    await writeFile(join(folder, 'housing.md'), HOUSING_POST);
    await runCollect({ ...context, config });
    expect(await runBuild({ ...context, config })).toMatchObject({ themes: 1 });
    expect(await themeFile('real-estate.xml')).toContain('多地楼市新政落地');
    // Subscribers to the SME feed get no 404: the feed stays, it just gets no new items.
    expect(await themeFile('smes-private-economy.xml')).toBe(smesFeed);
    expect(await themeFile('smes-private-economy.html')).toContain('纾困帮扶');
    const index = await readFile(join(config.output, 'index.html'), 'utf8');
    expect(index).toContain('href="themes/real-estate.html"');
    expect(index).not.toContain('smes-private-economy');
    await context.store.close();
  });
});
