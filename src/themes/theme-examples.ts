// The operator's labelled examples for a theme model: one example a line, either
//   theme<TAB>title                      a headline or a line of 快讯
//   theme<TAB>title<TAB>text             a title and its article
//   theme<TAB>title and text glued       a long second field (as cnews writes its articles)
// or JSON lines {"theme": …, "title": …, "text": …} (TNEWS's {"label_desc", "sentence"} too).
import type { ThemeExample } from './theme-model.js';

/** A second field longer than this is a title and its text glued together. */
const MAX_TITLE_CHARACTERS = 64;
/** Characters that stand for the title of a glued title and text (news titles run 15-30). */
export const GLUED_TITLE_CHARACTERS = 25;

export interface ExampleReading {
  examples: ThemeExample[];
  /** One per line that was skipped: `line 12: the reason`. */
  problems: string[];
}

/** A glued title and text split the way a headline is usually long. */
export function splitGluedText(glued: string): { title: string; text: string } {
  const characters = [...glued];
  if (characters.length <= MAX_TITLE_CHARACTERS) return { title: glued, text: '' };
  return { title: characters.slice(0, GLUED_TITLE_CHARACTERS).join(''), text: characters.slice(GLUED_TITLE_CHARACTERS).join('') };
}

function stringField(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string') return value.trim();
  }
  return undefined;
}

function readJsonLine(line: string): ThemeExample | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object with "theme" and "title"';
  const record = value as Record<string, unknown>;
  const theme = stringField(record, ['theme', 'label_desc', 'label']);
  const title = stringField(record, ['title', 'sentence']);
  if (!theme) return 'no "theme" (or "label_desc") string';
  if (!title) return 'no "title" (or "sentence") string';
  return { theme, title, text: stringField(record, ['text']) ?? '' };
}

function readTabLine(line: string): ThemeExample | string {
  const fields = line.split('\t').map((field) => field.trim());
  const theme = fields[0] ?? '';
  if (fields.length < 2) return 'expected theme<TAB>title (no tab)';
  if (theme.length === 0) return 'the theme (before the first tab) is empty';
  if (fields.length === 2) {
    if (fields[1]!.length === 0) return 'the title is empty';
    return { theme, ...splitGluedText(fields[1]!) };
  }
  const title = fields[1]!;
  const text = fields.slice(2).join(' ').trim();
  if (title.length === 0 && text.length === 0) return 'the title and text are empty';
  return title.length > 0 ? { theme, title, text } : { theme, ...splitGluedText(text) };
}

/** Every usable example of a file's text; each unusable line is named with its reason and skipped. */
export function readThemeExamples(text: string): ExampleReading {
  const examples: ThemeExample[] = [];
  const problems: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line.length === 0 || line.startsWith('#')) return;
      const result = line.startsWith('{') ? readJsonLine(line) : readTabLine(raw.replace(/\r$/, ''));
      if (typeof result === 'string') problems.push(`line ${index + 1}: ${result}`);
      else examples.push(result);
    });
  return { examples, problems };
}
