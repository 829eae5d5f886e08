import type { Config } from '../config.js';
import type { Log } from '../util/log.js';

/** What every job receives; nothing reads a global clock or singleton. */
export interface JobContext {
  config: Readonly<Config>;
  log: Log;
  now: Date;
}
