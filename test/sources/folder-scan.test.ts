import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/model.js';
import { listPostFiles } from '../../src/sources/folder-scan.js';
import { createMemoryLog } from '../../src/util/log.js';
import { tempDir } from './helpers.js';

describe('listPostFiles and symbolic links', () => {
  it('refuses a link to a file outside the folder, naming the link and its target', async () => {
    const dir = await tempDir();
    const elsewhere = await tempDir();
    await writeFile(join(elsewhere, 'secret.md'), '---\ntitle: 不该发布\n---\n<p>机密</p>\n');
    await writeFile(join(dir, 'own.md'), '---\ntitle: 自己的\n---\n<p>正文</p>\n');
    await symlink(join(elsewhere, 'secret.md'), join(dir, 'leak.md'));
    // A relative link that climbs out is refused the same way.
    await mkdir(join(dir, 'sub'));
    await symlink(join('..', '..', elsewhere.split('/').pop() as string, 'secret.md'), join(dir, 'sub', 'climb.md'));
    const log = createMemoryLog();
    const problems: Problem[] = [];
    expect(await listPostFiles(dir, log, problems)).toEqual(['own.md']);
    expect(problems.map((problem) => problem.where)).toEqual([join(dir, 'leak.md'), join(dir, 'sub/climb.md')]);
    expect(log.lines).toEqual([
      `warning: ${join(dir, 'leak.md')}: skipped: symbolic link to ${join(elsewhere, 'secret.md')}, outside the folder ${dir}; only files inside a source folder are read`,
      `warning: ${join(dir, 'sub/climb.md')}: skipped: symbolic link to ${join(elsewhere, 'secret.md')}, outside the folder ${dir}; only files inside a source folder are read`,
    ]);
  });

  it('reads a link to a file inside the folder, also when the folder is reached through a link', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.drafts'));
    await writeFile(join(dir, '.drafts', 'post.md'), '---\ntitle: 草稿\n---\n<p>正文</p>\n');
    await symlink(join(dir, '.drafts', 'post.md'), join(dir, 'published.md'));
    const alias = join(await tempDir(), 'alias');
    await symlink(dir, alias);
    for (const root of [dir, alias]) {
      const log = createMemoryLog();
      expect(await listPostFiles(root, log, [])).toEqual(['published.md']);
      expect(log.lines).toEqual([]);
    }
  });
});
