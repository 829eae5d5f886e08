import { chmod, mkdir, mkdtemp, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderSource } from '../../src/config.js';
import { postFileAt, scanFolder, scanHere, type FolderScan } from '../../src/sources/folder-scan.js';

// A large folder is scanned on a thread of its own, which exists only in the compiled program (its
// worker script is JavaScript), which `npm test` builds first. `lastFileCount` only chooses the
// thread, so a small folder with a large count is scanned there.
const compiled = (await import(new URL('../../dist/sources/folder-scan.js', import.meta.url).href)) as {
  scanFolder: typeof scanFolder;
};

async function folderOfPosts(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'zhoukan-scan-'));
  await mkdir(join(root, 'sub/deeper'), { recursive: true });
  await mkdir(join(root, 'node_modules'));
  await mkdir(join(root, 'locked'));
  await mkdir(join(root, 'elsewhere'));
  const posts = ['b.md', 'a.txt', 'C.HTML', 'sub/z.markdown', 'sub/deeper/新闻.md', 'node_modules/skipped.md', '.hidden.md', 'locked/x.md', 'elsewhere/y.md'];
  for (const [index, path] of posts.entries()) await writeFile(join(root, path), 'x'.repeat(index + 1));
  await writeFile(join(root, 'notes.json'), '{}');
  await utimes(join(root, 'b.md'), new Date('2022-05-01T00:00:00.123Z'), new Date('2022-05-01T00:00:00.123Z'));
  await symlink(join(root, 'a.txt'), join(root, 'link.md'));
  await symlink(join(root, 'elsewhere'), join(root, 'folder-link'));
  // A link to nothing is no post.
  await symlink(join(root, 'missing.md'), join(root, 'dangling.md'));
  await chmod(join(root, 'locked'), 0o000);
  return root;
}

function lines(scan: FolderScan): string[] {
  return scan.relPaths.map((relPath, index) => {
    const file = postFileAt(scan, index);
    return file ? `${relPath} ${file.size} ${file.mtimeMs}` : `${relPath} unreadable`;
  });
}

describe('scanning a folder', () => {
  it('lists post files in code-unit order with size and mtime, the same here as on a thread of its own', async () => {
    const root = await folderOfPosts();
    const source: FolderSource = { name: 'posts', path: root };
    const warnings: string[] = [];
    const here = await scanHere(root, { warn: (line) => warnings.push(line) });
    const threadWarnings: string[] = [];
    const onThread = await compiled.scanFolder(source, { log: { warn: (line) => threadWarnings.push(line) }, lastFileCount: 10_000 });
    await chmod(join(root, 'locked'), 0o755);

    const line = async (relPath: string, target = relPath) => {
      const info = await stat(join(root, target));
      return `${relPath} ${info.size} ${info.mtimeMs}`;
    };
    // Root reads a folder whatever its mode; anyone else gets a problem for it.
    const asRoot = process.getuid?.() === 0;
    expect(lines(here)).toEqual([
      await line('C.HTML'),
      await line('a.txt'),
      await line('b.md'),
      await line('elsewhere/y.md'),
      await line('link.md', 'a.txt'),
      ...(asRoot ? [await line('locked/x.md')] : []),
      await line('sub/deeper/新闻.md'),
      await line('sub/z.markdown'),
    ]);
    expect(lines(onThread)).toEqual(lines(here));
    expect(onThread.problems).toEqual(here.problems);
    expect(threadWarnings).toEqual(warnings);
    expect(warnings.some((line) => line.includes('folder-link: symbolic link to a folder; not followed'))).toBe(true);
    expect(Math.round(postFileAt(here, 2)?.mtimeMs ?? 0)).toBe(new Date('2022-05-01T00:00:00.123Z').getTime());
  });

  it('names a folder that cannot be read, on a thread of its own as here', async () => {
    const source: FolderSource = { name: 'gone', path: join(tmpdir(), 'zhoukan-scan-no-such-folder') };
    const log = { warn: () => undefined };
    await expect(compiled.scanFolder(source, { log, lastFileCount: 10_000 })).rejects.toThrow(/zhoukan-scan-no-such-folder: cannot read the folder/);
    await expect(scanFolder(source, { log })).rejects.toThrow(/zhoukan-scan-no-such-folder: cannot read the folder/);
  });
});
