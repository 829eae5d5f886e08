import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { ThemeGrouper } from '../themes/grouper.js';
import type { Log } from '../util/log.js';

/** What every job receives; nothing reads a global clock or singleton. */
export interface JobContext {
  config: Readonly<Config>;
  store: Store;
  log: Log;
  now: Date;
  /** HTTP client for remote feeds (tests pass one bound to loopback servers). */
  fetch: typeof fetch;
  /** Aborted on SIGINT/SIGTERM: jobs finish the batch they are writing, then stop. */
  signal?: AbortSignal;
  /** Where articles are grouped by theme; in the job's own thread when not given. */
  themes?: ThemeGrouper;
}
