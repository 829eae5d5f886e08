import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { FolderSource } from '../../src/config.js';
import type { ReadFolderOptions } from '../../src/sources/markdown.js';
import { createMemoryLog } from '../../src/util/log.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = resolve(REPO, '../shared');
export const POSTS_FIXTURES = join(REPO, 'test/fixtures/posts');
export const BAD_POSTS_FIXTURES = join(REPO, 'test/fixtures/bad-posts');
export const ID_AUTHORITY = '127.0.0.1,2026-11-21';
export const ZONE = 'Asia/Shanghai';

export function folder(path: string, name = 'posts'): FolderSource {
  return { name, path };
}

/** Options for a read, with a log that keeps its lines. */
export function readOptions(extra: Omit<Partial<ReadFolderOptions>, 'log'> = {}) {
  return { zone: ZONE, idAuthority: ID_AUTHORITY, ...extra, log: createMemoryLog() } satisfies ReadFolderOptions;
}

const tempDirs: string[] = [];

/** A fresh temp folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-markdown-'));
  tempDirs.push(dir);
  return dir;
}

/** A temp copy of a fixture folder, so a test can add files next to the fixtures. */
export async function copyOf(fixtures: string): Promise<string> {
  const dir = await tempDir();
  await cp(fixtures, dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
