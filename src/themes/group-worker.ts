import type { ThemeInput } from '../model.js';
import { answerTasks } from '../util/worker-pool.js';
import { backgroundIdfs } from './background-idf.js';
import { groupByTheme, type GroupOptions } from './group.js';
import { tokenize } from './segment.js';

// The theme grouper's thread (grouper.ts): loads jieba's dictionary and its IDF table as soon as
// it starts, while the main thread scans the folders, then groups whatever it is sent.

tokenize('预热');
backgroundIdfs(['预热']);

answerTasks('group-worker.js', (task: { articles: ThemeInput[]; options: GroupOptions }) => groupByTheme(task.articles, task.options));
