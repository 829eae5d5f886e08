import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import type { ThemeInput } from '../model.js';
import { backgroundIdfs } from './background-idf.js';
import { groupByTheme, type GroupOptions } from './group.js';
import { tokenize } from './segment.js';

// The theme grouper's thread (grouper.ts): loads jieba's dictionary and its IDF table as soon as
// it starts, while the main thread scans the folders, then groups whatever it is sent.

const port = parentPort;
if (!port) throw new Error('group-worker.js runs as a worker thread');

tokenize('预热');
backgroundIdfs(['预热']);

port.on('message', ({ id, task }: { id: number; task: { articles: ThemeInput[]; options: GroupOptions } }) => {
  try {
    port.postMessage({ id, result: groupByTheme(task.articles, task.options) });
  } catch (error) {
    port.postMessage({ id, error: describeError(error) });
  }
});
