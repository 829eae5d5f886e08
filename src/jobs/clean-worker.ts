import { answerTasks } from '../util/worker-pool.js';
import { prepareFolderItems } from './folder-items.js';

// A worker thread of the collect job: reads, parses and cleans batches of files (folder-items.ts)
// on another core while the collecting thread writes the previous batch to the archive.

answerTasks('clean-worker.js', prepareFolderItems);
