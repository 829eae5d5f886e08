import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { close, fsync, mkdir, mkdirSync, open, readFileSync, rename, renameSync, rm, rmSync, statSync, writeFile, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

// File writing for output/ and the outbox. The callback API, promisified: for thousands of small
// files it costs about half the CPU of fs/promises' FileHandle (measured on 10k pages).

const openFile = promisify(open);
const writeData = promisify(writeFile);
const syncFile = promisify(fsync);
const closeFile = promisify(close);
const renameFile = promisify(rename);
const makeDirectory = promisify(mkdir);
const removePath = promisify(rm);
const run = promisify(execFile);

/** Folders this process has made or found: one mkdir per folder, not one per file. */
const madeDirectories = new Set<string>();
/** Temporary names: unique per process (random) and per file (a counter), without a random draw per file. */
const TEMP_PREFIX = randomBytes(4).toString('hex');
let tempCounter = 0;

/**
 * Writes a file atomically: a temporary file beside it, fsync, then rename over the target.
 * A reader sees the old file or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const folder = dirname(path);
  const temp = tempPathFor(path);
  const fd = await openNew(temp, folder);
  try {
    await writeData(fd, data);
    await syncFile(fd);
  } catch (error) {
    await closeFile(fd);
    await removePath(temp, { force: true });
    throw error;
  }
  await closeFile(fd);
  try {
    await renameFile(temp, path);
  } catch (error) {
    await removePath(temp, { force: true });
    throw error;
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${TEMP_PREFIX}${(tempCounter++).toString(36)}.tmp`);
}

/** Opens a new file for writing, making its folder first when this process has not seen it. */
async function openNew(path: string, folder: string): Promise<number> {
  if (!madeDirectories.has(folder)) {
    await makeDirectory(folder, { recursive: true });
    madeDirectories.add(folder);
  }
  try {
    return await openFile(path, 'w');
  } catch (error) {
    // The folder went away since (a long-running service, an output folder removed by hand).
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await makeDirectory(folder, { recursive: true });
    return openFile(path, 'w');
  }
}

/**
 * Writes atomically only when the content differs from what is on disk, so a rerun with
 * nothing new leaves files (and their mtimes, ETags) untouched. Returns whether it wrote.
 * A file of another size is not read at all; one of the same size is read synchronously: a page
 * from the page cache is read in tens of microseconds, less than the thread-pool round trips of
 * an asynchronous read.
 */
export async function writeFileIfChanged(path: string, data: string, batch?: SyncBatch): Promise<boolean> {
  const bytes = Buffer.from(data);
  if (sameContent(path, bytes)) return false;
  if (batch) batch.write(path, bytes);
  else await writeFileAtomic(path, bytes);
  return true;
}

function sameContent(path: string, bytes: Buffer): boolean {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats?.isFile() || stats.size !== bytes.length) return false;
  try {
    return bytes.equals(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Many files written atomically (temporary file, rename) and made durable together by `flush()`:
 * an fsync per file costs a journal commit, 1.5–4 s for 10k pages here, where one flush of the file
 * system takes about 0.1 s. Writes are synchronous: for small files in the page cache, four
 * thread-pool round trips per file cost more than the system calls themselves (10k pages: 0.3 s
 * instead of 0.7–2 s, measured). Until `flush()` returns, a power failure may leave some of the
 * files empty, so whatever records them as written comes after it.
 */
export class SyncBatch {
  private readonly written: string[] = [];

  write(path: string, data: Uint8Array): void {
    const folder = dirname(path);
    if (!madeDirectories.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeDirectories.add(folder);
    }
    const temp = tempPathFor(path);
    try {
      writeFileSync(temp, data);
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The folder went away since (a long-running service, an output folder removed by hand).
      mkdirSync(folder, { recursive: true });
      writeFileSync(temp, data);
      renameSync(temp, path);
    }
    this.written.push(path);
  }

  /**
   * Flushes the file system that holds the files (syncfs through GNU `sync --file-system`); where
   * that is not available, fsyncs each file.
   */
  async flush(): Promise<void> {
    const [first] = this.written;
    if (first === undefined) return;
    const written = this.written.splice(0);
    try {
      await run('sync', ['--file-system', dirname(first)]);
    } catch {
      for (const path of written) await syncPath(path);
    }
  }
}

async function syncPath(path: string): Promise<void> {
  let fd: number;
  try {
    fd = await openFile(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed since: nothing to keep
    throw error;
  }
  try {
    await syncFile(fd);
  } finally {
    await closeFile(fd);
  }
}
