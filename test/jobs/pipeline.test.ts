import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import { runBuild } from '../../src/jobs/build.js';
import { runCollectAndBuild } from '../../src/jobs/pipeline.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { createTestContext } from '../support/context.js';

// Collect and build in one go: the pages of each saved batch are written while the collect goes
// on, and come out exactly as a build from the archive writes them.

const SEEDS = join(PROJECT_ROOT, 'seeds');
const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/posts');
const OPTIONS = { lockWaitMs: 0, alwaysBuild: true };

async function postsContext() {
  const context = await createTestContext({ sources: [] });
  const seeds = join(context.dir, 'seeds');
  await cp(SEEDS, seeds, { recursive: true });
  const config = { ...context.config, sources: [{ name: 'seeds', path: seeds }, { name: 'fixtures', path: FIXTURES }] };
  return { ...context, config, seeds };
}

async function pages(output: string): Promise<Map<string, string>> {
  const folder = join(output, 'articles');
  const names = (await readdir(folder)).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name), 'utf8')] as const)));
}

describe('collect and build', () => {
  it('writes the pages during the collect, as a build from the archive writes them', async () => {
    const context = await postsContext();
    const readBack = vi.spyOn(context.store, 'articlesAtRevisions');
    const first = await runCollectAndBuild(context, OPTIONS);
    expect(first.collect.new).toBeGreaterThan(5);
    expect(first.build?.pages).toBe(first.collect.new);
    // Every page came from the collect's own articles: none was read back from the archive.
    expect(readBack.mock.calls.flat().flat()).toEqual([]);
    const early = await pages(context.config.output);
    expect(early.size).toBe(first.collect.new);

    // An edited post: its page is written again during the collect.
    const [name] = (await readdir(context.seeds)).sort();
    const path = join(context.seeds, name as string);
    await writeFile(path, (await readFile(path, 'utf8')).replace('</p>', '（更正）</p>'));
    const second = await runCollectAndBuild(context, OPTIONS);
    expect(second.collect.updated).toBe(1);
    expect(second.build?.pages).toBe(1);
    const afterEdit = await pages(context.config.output);
    expect([...afterEdit.values()].filter((html) => html.includes('（更正）'))).toHaveLength(1);

    // A full build from the archive writes the very same pages.
    await rm(context.config.output, { recursive: true });
    expect(await runBuild(context)).toMatchObject({ full: true, pages: first.collect.new });
    expect(await pages(context.config.output)).toEqual(afterEdit);
    await context.store.close();
  });

  it('writes no page before it holds the build lock', async () => {
    const context = await postsContext();
    const otherBuild = await context.store.tryLock('build', context.now);
    expect(otherBuild).toBeDefined();
    const error = await runCollectAndBuild(context, OPTIONS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('LOCKED');
    // The collect went on and saved everything; the pages wait for a build.
    expect((await context.store.counts()).articles).toBeGreaterThan(5);
    await expect(readdir(join(context.config.output, 'articles'))).rejects.toMatchObject({ code: 'ENOENT' });
    await otherBuild?.release();
    const summary = await runCollectAndBuild(context, OPTIONS);
    expect(summary.build?.pages).toBe((await context.store.counts()).articles);
    await context.store.close();
  });

  it('collects everything when the pages cannot be written, and says where they could not go', async () => {
    const context = await postsContext();
    await writeFile(context.config.output, 'a file where the output folder should be');
    const error = await runCollectAndBuild(context, OPTIONS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('OUTPUT_IO');
    expect((error as AppError).message).toContain(context.config.output);
    expect(context.log.lines.filter((line) => line.includes('writing pages during the collect failed'))).toHaveLength(1);
    const archived = (await context.store.counts()).articles;
    expect(archived).toBeGreaterThan(5);

    // Once the folder can be written, the next run writes every page, though nothing new came in.
    await rm(context.config.output);
    const summary = await runCollectAndBuild(context, OPTIONS);
    expect(summary.collect.new).toBe(0);
    expect(summary.build?.pages).toBe(archived);
    expect((await pages(context.config.output)).size).toBe(archived);
    await context.store.close();
  });
});
