// The theme model's file beside the archive (data/theme-model.json by default). A build never
// fails over it: a missing, unreadable or damaged model is reported and the taxonomy carries on.
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../util/fs.js';
import { themeModelProblem, type ThemeModel } from './theme-model.js';

export const THEME_MODEL_FILE = 'theme-model.json';

/** Where the model is read from; `configured` when the configuration names it (then a missing file is reported). */
export interface ThemeModelSetting {
  file: string;
  configured: boolean;
}

export type ThemeModelReading = { model: ThemeModel } | { model?: undefined; problem?: string };

/** The last model read, kept while its file is unchanged: the service rebuilds every half hour. */
let cached: { file: string; size: number; mtimeMs: number; model: ThemeModel } | undefined;

/**
 * Reads a stored model. No model and no problem when the default file is simply absent (nobody
 * trained one); a problem naming the file and the reason otherwise.
 */
export function readThemeModelFile(setting: ThemeModelSetting): ThemeModelReading {
  const { file } = setting;
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !setting.configured) return {};
    return { problem: `theme model ${file}: cannot read it (${(error as Error).message})` };
  }
  if (cached && cached.file === file && cached.size === stats.size && cached.mtimeMs === stats.mtimeMs) return { model: cached.model };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { problem: `theme model ${file}: not valid JSON (${(error as Error).message}); train it again with "zhoukan themes train FILE"` };
  }
  const problem = themeModelProblem(value);
  if (problem) return { problem: `theme model ${file}: ${problem}` };
  const model = value as ThemeModel;
  cached = { file, size: stats.size, mtimeMs: stats.mtimeMs, model };
  return { model };
}

/**
 * What identifies the model file's present content without reading it (size and modification
 * time), or undefined when there is none: a build that has nothing else to do compares it with
 * the last build's instead of loading the model.
 */
export function themeModelStamp(setting: ThemeModelSetting | undefined): string | undefined {
  if (!setting) return undefined;
  try {
    const stats = statSync(setting.file);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return undefined; // absent: loading it, if it comes to that, says so when it matters
  }
}

/**
 * The model to group with, or undefined; a problem is warned about (the themes then come from the
 * taxonomy and clustering alone).
 */
export function loadThemeModel(setting: ThemeModelSetting | undefined, log: { warn(message: string): void }): ThemeModel | undefined {
  if (!setting) return undefined;
  const reading = readThemeModelFile(setting);
  if (reading.model) return reading.model;
  if (reading.problem) log.warn(`${reading.problem}; grouping without it`);
  return undefined;
}

/** Writes a model atomically: a build reading it meanwhile sees the old model or the new one. */
export async function writeThemeModelFile(file: string, model: ThemeModel): Promise<number> {
  const text = `${JSON.stringify(model)}\n`;
  await writeFileAtomic(file, text);
  return Buffer.byteLength(text);
}
