import type { Config } from '../config.js';
import { DEFAULT_THEME_NAMES } from '../themes/names.js';

// The themes a reader may choose: every theme of the taxonomy, plus 其他要闻 for what fits none.
// Without a taxonomy (clustering alone) the themes change every week: there is nothing to choose.

export function themeChoices(config: Pick<Config, 'taxonomy'>): string[] {
  if (!config.taxonomy) return [];
  return [...config.taxonomy.themes.map((theme) => theme.name), DEFAULT_THEME_NAMES.other];
}

export type ThemeSelection = { themes: string[] | undefined } | { problem: 'none chosen' };

/**
 * The stored form of a choice: undefined for all themes (new ones included), else the chosen ones
 * among `choices`, in their order. Names that are not among the choices are dropped.
 */
export function selectThemes(chosen: readonly string[], choices: readonly string[]): ThemeSelection {
  if (choices.length === 0) return { themes: undefined };
  const picked = choices.filter((choice) => chosen.includes(choice));
  if (picked.length === 0) return { problem: 'none chosen' };
  return { themes: picked.length === choices.length ? undefined : picked };
}
