import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RawArticle } from '../../src/model.js';

// A fault inside the cleaner (a bug, not bad input) is simulated for one post: the cleaner itself
// never throws for the posts we have, which is why this path needs a planted failure to be seen.
vi.mock('../../src/clean/article.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/clean/article.js')>();
  return {
    ...original,
    cleanArticle: (raw: RawArticle, idAuthority: string) => {
      if (raw.path === 'broken.txt') throw new TypeError("Cannot read properties of undefined (reading 'children')");
      return original.cleanArticle(raw, idAuthority);
    },
  };
});

const { prepareFolderItems } = await import('../../src/jobs/folder-items.js');

describe('preparing a batch of post files', () => {
  let folder = '';
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('names the file when cleaning fails unexpectedly, skips it, and prepares the rest', async () => {
    folder = await mkdtemp(join(tmpdir(), 'zhoukan-items-'));
    const seeds = join(import.meta.dirname, '../../seeds');
    await copyFile(join(seeds, '000_eacf37cdd6e333c5.txt'), join(folder, 'broken.txt'));
    await copyFile(join(seeds, '001_dfe2e70512514d13.txt'), join(folder, 'fine.txt'));
    const files = await Promise.all(
      ['broken.txt', 'fine.txt'].map(async (relPath) => {
        const info = await stat(join(folder, relPath));
        return { file: { relPath, absPath: join(folder, relPath), size: info.size, mtimeMs: info.mtimeMs } };
      }),
    );

    const [broken, fine] = await prepareFolderItems({ source: { name: 'posts', path: folder }, zone: 'Asia/Shanghai', idAuthority: 'example.org,2022', files });

    const problem = `${join(folder, 'broken.txt')}: Cannot read properties of undefined (reading 'children')`;
    expect(broken).toEqual({ item: { file: expect.objectContaining({ path: 'broken.txt' }), problem }, lines: [{ level: 'warn', message: `${problem}; skipped` }] });
    expect(fine && 'item' in fine ? fine.item.article?.title : undefined).toMatch(/\S/);
    expect(fine && 'item' in fine ? fine.item.problem : 'none').toBeUndefined();
  });
});
