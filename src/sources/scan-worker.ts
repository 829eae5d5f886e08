import { AppError } from '../errors.js';
import { answerTasks } from '../util/worker-pool.js';
import { scanHere, type ThreadScanReply } from './folder-scan.js';

// A thread that lists and stats a large folder while the collecting thread reads the archive's
// stamps of its files (folder-scan.ts). Its warnings go back with the scan, to be logged there.

answerTasks('scan-worker.js', async (root: string): Promise<ThreadScanReply> => {
  const warnings: string[] = [];
  try {
    const { relPaths, ...scan } = await scanHere(root, { warn: (line) => warnings.push(line) });
    return { ...scan, names: relPaths.join('\0'), warnings };
  } catch (error) {
    if (error instanceof AppError && error.code === 'SOURCE_READ') return { unreadable: error.message };
    throw error;
  }
});
