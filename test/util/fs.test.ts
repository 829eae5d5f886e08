import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncBatch, writeFileAtomic, writeFileIfChanged } from '../../src/util/fs.js';

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

  it('compares content, not only size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    const path = join(dir, 'a.html');
    await writeFileIfChanged(path, '<p>二</p>');
    expect(await writeFileIfChanged(path, '<p>三</p>')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('<p>三</p>');
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

describe('SyncBatch', () => {
  it('writes through the batch like a single write, and flushes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    const batch = new SyncBatch();
    const path = join(dir, 'articles', 'a.html');
    expect(await writeFileIfChanged(path, '<p>一</p>', batch)).toBe(true);
    expect(await writeFileIfChanged(path, '<p>一</p>', batch)).toBe(false);
    expect(await writeFileIfChanged(path, '<p>二</p>', batch)).toBe(true);
    await rm(join(dir, 'articles'), { recursive: true });
    expect(await writeFileIfChanged(join(dir, 'articles', 'b.html'), '<p>三</p>', batch)).toBe(true);
    await batch.flush();
    expect(await readdir(join(dir, 'articles'))).toEqual(['b.html']);
    expect(await readFile(join(dir, 'articles', 'b.html'), 'utf8')).toBe('<p>三</p>');
  });

  it('fsyncs file by file where the file system cannot be flushed at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    const batch = new SyncBatch();
    batch.write(join(dir, 'a.html'), Buffer.from('<p>一</p>'));
    batch.write(join(dir, 'b.html'), Buffer.from('<p>二</p>'));
    const path = process.env.PATH;
    process.env.PATH = dir; // no `sync` command to be found
    try {
      await batch.flush();
    } finally {
      process.env.PATH = path;
    }
    expect(await readFile(join(dir, 'b.html'), 'utf8')).toBe('<p>二</p>');
    // A file removed before the flush has nothing left to keep.
    batch.write(join(dir, 'c.html'), Buffer.from('<p>三</p>'));
    await rm(join(dir, 'c.html'));
    process.env.PATH = dir;
    try {
      await batch.flush();
    } finally {
      process.env.PATH = path;
    }
    expect((await readdir(dir)).sort()).toEqual(['a.html', 'b.html']);
  });

  it('fails on a target it cannot replace, and cleans up its temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-fs-'));
    const batch = new SyncBatch();
    batch.write(join(dir, 'taken', 'x'), Buffer.from('x'));
    expect(() => batch.write(join(dir, 'taken'), Buffer.from('a file where a folder is'))).toThrow();
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
