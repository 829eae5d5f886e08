// Readers for the labelled classification corpora the theme evaluation runs on.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ThemeInput } from '../model.js';

export type CorpusFormat = 'cnews' | 'thucnews' | 'tnews';

export interface LabelledArticle {
  article: ThemeInput;
  label: string;
}

// The corpora carry no dates; one fixed instant keeps the runs reproducible.
const CORPUS_DATE = new Date('2022-06-01T00:00:00Z');

// cnews glues title and body together; its titles run 15 to 30 characters, so the first
// characters stand in for the title (weighted like one).
const CNEWS_TITLE_CHARACTERS = 25;

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim().length > 0);
}

function article(index: number, title: string, text: string): ThemeInput {
  return { id: `a${String(index).padStart(6, '0')}`, title, text, published: CORPUS_DATE };
}

/** THUCNews titles: `title<TAB>label index`; names come from class.txt, one per line. */
export function isThucnewsLine(line: string): boolean {
  return /\t\d+\s*$/.test(line);
}

/** Which corpus a file holds, from its first line (and whether a class.txt lies beside it). */
export function detectFormat(text: string, hasClassFile: boolean): CorpusFormat {
  const first = lines(text)[0] ?? '';
  if (first.trimStart().startsWith('{')) return 'tnews';
  if (hasClassFile && isThucnewsLine(first)) return 'thucnews';
  return 'cnews';
}

/** cnews: `label<TAB>title and text`. */
export function parseCnews(text: string): LabelledArticle[] {
  return lines(text).map((line, index) => {
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error(`cnews line ${index + 1}: no tab between label and text`);
    const body = line.slice(tab + 1).trim();
    return {
      label: line.slice(0, tab).trim(),
      article: article(index, body.slice(0, CNEWS_TITLE_CHARACTERS), body.slice(CNEWS_TITLE_CHARACTERS)),
    };
  });
}

export function parseThucnews(text: string, classNames: readonly string[]): LabelledArticle[] {
  return lines(text).map((line, index) => {
    const match = /^(.*)\t(\d+)\s*$/.exec(line);
    const name = match ? classNames[Number(match[2])] : undefined;
    if (!match || name === undefined) throw new Error(`THUCNews line ${index + 1}: expected "title<TAB>label index" with the index in class.txt`);
    return { label: name, article: article(index, match[1]!.trim(), '') };
  });
}

/** TNEWS: JSON lines with `sentence` and `label_desc` (its `keywords` are not used). */
export function parseTnews(text: string): LabelledArticle[] {
  return lines(text).map((line, index) => {
    const value: unknown = JSON.parse(line);
    const record = value as { sentence?: unknown; label_desc?: unknown };
    if (typeof record.sentence !== 'string' || typeof record.label_desc !== 'string') {
      throw new Error(`TNEWS line ${index + 1}: expected "sentence" and "label_desc" strings`);
    }
    return { label: record.label_desc, article: article(index, record.sentence, '') };
  });
}

/** A labelled corpus file, in the format given or the one its first line shows (THUCNews names its labels in class.txt beside it). */
export function readLabelledCorpus(path: string, format?: CorpusFormat): { format: CorpusFormat; items: LabelledArticle[] } {
  const text = readFileSync(path, 'utf8');
  const classFile = join(dirname(path), 'class.txt');
  const chosen = format ?? detectFormat(text, existsSync(classFile));
  switch (chosen) {
    case 'cnews':
      return { format: chosen, items: parseCnews(text) };
    case 'tnews':
      return { format: chosen, items: parseTnews(text) };
    case 'thucnews': {
      const classNames = readFileSync(classFile, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
      return { format: chosen, items: parseThucnews(text, classNames) };
    }
  }
}
