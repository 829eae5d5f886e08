import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { prepareFolderItems, type FolderTask } from './folder-items.js';

// A worker thread of the collect job: reads, parses and cleans batches of files (folder-items.ts)
// on another core while the collecting thread writes the previous batch to the archive.

const port = parentPort;
if (!port) throw new Error('clean-worker.js runs as a worker thread');

port.on('message', ({ id, task }: { id: number; task: FolderTask }) => {
  prepareFolderItems(task).then(
    (result) => port.postMessage({ id, result }),
    (error: unknown) => port.postMessage({ id, error: describeError(error) }),
  );
});
