import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileIfChanged } from '../../src/util/fs.js';

describe('writeFileIfChanged', () => {
  it('writes new and changed files, leaves equal ones alone, and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    const path = join(dir, 'articles', 'a.html');
    expect(await writeFileIfChanged(path, '<p>一</p>')).toBe(true);
    const first = await stat(path);
    expect(await writeFileIfChanged(path, '<p>一</p>')).toBe(false);
    expect((await stat(path)).mtimeMs).toBe(first.mtimeMs);
    expect(await writeFileIfChanged(path, '<p>二</p>')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('<p>二</p>');
    expect(await readdir(join(dir, 'articles'))).toEqual(['a.html']);
  });

  it('makes the folder again when it was removed after a first write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    await writeFileAtomic(join(dir, 'out', 'one.txt'), 'one');
    await rm(join(dir, 'out'), { recursive: true });
    await writeFileAtomic(join(dir, 'out', 'two.txt'), 'two');
    expect(await readdir(join(dir, 'out'))).toEqual(['two.txt']);
  });

  it('fails on a target it cannot replace, and cleans up its temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    await writeFileAtomic(join(dir, 'taken', 'x'), 'x');
    await expect(writeFileAtomic(join(dir, 'taken'), 'a file where a folder is')).rejects.toThrow();
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
