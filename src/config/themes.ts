import { join, resolve } from 'node:path';
import { THEME_MODEL_FILE, type ThemeModelSetting } from '../themes/model-file.js';

/**
 * The learned theme model: a JSON file (relative to the config file), `false` for none, or by
 * default `theme-model.json` in the data folder, used when `zhoukan themes train` has written one.
 */
export function readThemeModelSetting(value: unknown, fileDir: string, data: string, problems: string[]): ThemeModelSetting | undefined {
  if (value === undefined) return { file: join(data, THEME_MODEL_FILE), configured: false };
  if (value === false) return undefined;
  if (typeof value === 'string' && value.trim().length > 0) return { file: resolve(fileDir, value.trim()), configured: true };
  problems.push(`themeModel: must be the path of a model file or false, got ${JSON.stringify(value)}`);
  return undefined;
}
