// Scores articles against taxonomy themes by their weighted keywords.
import { tokenize } from './segment.js';
import type { Taxonomy } from './taxonomy.js';

interface CompiledKeyword {
  theme: number;
  keyword: string;
  /** The keyword as the segmenter cuts it: a keyword jieba splits is matched as a run of words. */
  tokens: string[];
  weight: number;
}

export interface CompiledTaxonomy {
  names: string[];
  keywords: CompiledKeyword[];
  /** Keyword indexes by first token, so that matching is one lookup per word of the article. */
  byFirstToken: Map<string, number[]>;
}

export function compileTaxonomy(taxonomy: Taxonomy): CompiledTaxonomy {
  const keywords: CompiledKeyword[] = [];
  const byFirstToken = new Map<string, number[]>();
  taxonomy.themes.forEach((theme, themeIndex) => {
    for (const [keyword, weight] of Object.entries(theme.keywords)) {
      const tokens = tokenize(keyword);
      const first = tokens[0];
      if (first === undefined) continue;
      const list = byFirstToken.get(first) ?? [];
      list.push(keywords.length);
      byFirstToken.set(first, list);
      keywords.push({ theme: themeIndex, keyword, tokens, weight });
    }
  });
  return { names: taxonomy.themes.map((theme) => theme.name), keywords, byFirstToken };
}

/** How often each keyword occurs in a run of tokens. */
function countKeywords(compiled: CompiledTaxonomy, tokens: readonly string[]): Map<number, number> {
  const counts = new Map<number, number>();
  tokens.forEach((token, start) => {
    for (const index of compiled.byFirstToken.get(token) ?? []) {
      const keywordTokens = compiled.keywords[index]!.tokens;
      let length = 1;
      while (length < keywordTokens.length && tokens[start + length] === keywordTokens[length]) length++;
      if (length === keywordTokens.length) counts.set(index, (counts.get(index) ?? 0) + 1);
    }
  });
  return counts;
}

export interface ThemeScores {
  /** One score per taxonomy theme: Σ weight × ln(1 + occurrences), title occurrences weighted. */
  scores: Float64Array;
  /** Per theme, the keywords found with their contribution. */
  matched: Map<string, number>[];
}

/**
 * The log damps repetition: one article saying 银行 twenty times is not twenty times as
 * much about banks, while several different keywords of one theme add up.
 */
export function scoreThemes(
  compiled: CompiledTaxonomy,
  titleTokens: readonly string[],
  bodyTokens: readonly string[],
  titleWeight: number,
): ThemeScores {
  const scores = new Float64Array(compiled.names.length);
  const matched = compiled.names.map(() => new Map<string, number>());
  const occurrences = countKeywords(compiled, bodyTokens);
  for (const [index, count] of countKeywords(compiled, titleTokens)) {
    occurrences.set(index, (occurrences.get(index) ?? 0) + count * titleWeight);
  }
  for (const [index, count] of occurrences) {
    const keyword = compiled.keywords[index]!;
    const contribution = keyword.weight * Math.log(1 + count);
    scores[keyword.theme]! += contribution;
    matched[keyword.theme]!.set(keyword.keyword, contribution);
  }
  return { scores, matched };
}
