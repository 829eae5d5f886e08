import { readdir, realpath, stat } from 'node:fs/promises';
import { statSync, type Stats } from 'node:fs';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { AppError, describeError } from '../errors.js';
import type { Problem } from '../model.js';
import type { Log } from '../util/log.js';

// Lists the post files of a folder with their size and mtime, without reading them: enough to tell
// which files are new or changed since the last run. Kept apart from the post reader so that a run
// with nothing new never loads a YAML, Markdown or charset library.

export const POST_EXTENSIONS: ReadonlySet<string> = new Set(['.md', '.markdown', '.txt', '.html']);
const SKIPPED_NAMES = new Set(['node_modules']);
/** Files stat-ed between two turns of the event loop (a service keeps serving while it scans). */
const STAT_SLICE = 2000;

/** A post file found in a folder, with what a cheap check of "has it changed?" needs. */
export interface PostFile {
  /** Path relative to the source folder, with forward slashes. */
  relPath: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

/**
 * The size and mtime of listed post files, in the order given; a file that cannot be stat-ed is
 * reported and left out. Synchronous stat calls in slices: for files in the page cache, a stat takes
 * a few microseconds, less than the promise and thread-pool round trip of an asynchronous one (10k
 * files: 30 ms instead of 120–170 ms, measured).
 */
export async function statPostFiles(root: string, relPaths: readonly string[], log: Log, problems: Problem[]): Promise<PostFile[]> {
  const files: PostFile[] = [];
  for (let start = 0; start < relPaths.length; start += STAT_SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const relPath of relPaths.slice(start, start + STAT_SLICE)) {
      const absPath = join(root, relPath);
      let info: Stats;
      try {
        info = statSync(absPath);
      } catch (error) {
        problems.push({ where: absPath, message: `cannot read: ${describeError(error)}` });
        log.warn(`${absPath}: skipped: cannot read: ${describeError(error)}`);
        continue;
      }
      files.push({ relPath, absPath, size: info.size, mtimeMs: info.mtimeMs });
    }
  }
  return files;
}

/** Post files under `root`, relative with forward slashes, sorted by code unit (not locale). */
export async function listPostFiles(root: string, log: Log, problems: Problem[]): Promise<string[]> {
  const found: string[] = [];
  async function visit(relDir: string): Promise<void> {
    const dir = relDir === '' ? root : join(root, relDir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (relDir === '') throw new AppError('SOURCE_READ', `${root}: cannot read the folder: ${describeError(error)}`, { cause: error });
      problems.push({ where: dir, message: `cannot read the folder: ${describeError(error)}` });
      log.warn(`${dir}: skipped: cannot read the folder: ${describeError(error)}`);
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED_NAMES.has(entry.name)) continue;
      const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) await visit(relPath);
      else if (entry.isSymbolicLink()) await visitLink(relPath);
      else if (entry.isFile() && isPostName(entry.name)) found.push(relPath);
    }
  }
  // Links to files inside the folder are read. Links to files outside it are refused: a folder is
  // what its owner chose to publish, and a link must not publish a file from elsewhere on the
  // machine. Links to folders are not followed (they can loop).
  let realRoot: string | undefined;
  async function visitLink(relPath: string): Promise<void> {
    const link = join(root, relPath);
    const target = await stat(link).catch(() => undefined);
    if (target?.isDirectory()) {
      log.warn(`${link}: symbolic link to a folder; not followed`);
      return;
    }
    if (!target?.isFile() || !isPostName(relPath)) return;
    realRoot ??= await realpath(root);
    const realTarget = await realpath(link).catch(() => undefined);
    if (!realTarget) return;
    if (!isInside(realRoot, realTarget)) {
      problems.push({ where: link, message: `symbolic link to ${realTarget}, outside the folder; not read` });
      log.warn(`${link}: skipped: symbolic link to ${realTarget}, outside the folder ${root}; only files inside a source folder are read`);
      return;
    }
    found.push(relPath);
  }
  await visit('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function isPostName(name: string): boolean {
  return POST_EXTENSIONS.has(extname(name).toLowerCase());
}
