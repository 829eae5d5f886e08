import matter from 'gray-matter';
import yaml from 'js-yaml';

// Splits a post into its YAML front matter and its body. The home of gray-matter (see design.md).

interface YamlException {
  name: 'YAMLException';
  reason: string;
  mark?: { line: number };
}

/**
 * The failsafe schema keeps every scalar a string, as written: `date: 2022-05-18 16:02` stays a
 * wall-clock string for parseDate (the default schema makes it a UTC Date, wrong for Asia/Shanghai),
 * and `id: 0012` or `title: 2.0` are not turned into the numbers 10 and 2.
 */
function loadYamlMapping(source: string): object {
  const data = yaml.load(source, { schema: yaml.FAILSAFE_SCHEMA });
  if (data === undefined || data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new FrontMatterError(1, 'not a set of "key: value" lines');
  return data;
}

function refuseToEvaluate(): object {
  throw new FrontMatterError(1, 'front matter in JavaScript is not supported; use YAML');
}

/**
 * Built once, and always passed: gray-matter caches every input string when called without
 * options, which would keep all 100k posts in memory.
 */
const GRAY_MATTER_OPTIONS = {
  language: 'yaml',
  // gray-matter would `eval` a `---js` block; never run code from a post.
  engines: { yaml: loadYamlMapping, javascript: refuseToEvaluate, js: refuseToEvaluate },
};

const CLOSING_DELIMITER = '\n---';
const OPENING_LINE = /^---[ \t]*(?:ya?ml)?[ \t]*\r?$/i;
const TITLE_LINE = /^title[ \t]*:[ \t]*(.*?)[ \t]*\r?$/m;
const QUOTED_VALUE = /^["'].*["']$/;

export interface FrontMatter {
  /** Metadata as parsed: strings, lists and mappings only; empty without front matter. */
  data: Record<string, unknown>;
  /** Everything after the front matter, untrimmed. */
  body: string;
  hasFrontMatter: boolean;
  /** True when a damaged `title:` line had to be quoted again before the YAML would parse. */
  repairedTitle: boolean;
}

/** Front matter that cannot be read; `line` counts from 1 in the text as given. */
export class FrontMatterError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'FrontMatterError';
  }
}

/**
 * Reads the front matter of a post. Leading blank lines and a BOM are skipped first (the seeds
 * begin with a blank line, and gray-matter only looks for `---` at the very start).
 * Throws FrontMatterError for front matter that is not YAML, not closed, or broken beyond the
 * known crawler damage of the title line.
 */
export function splitFrontMatter(text: string): FrontMatter {
  const trimmed = text.trimStart();
  const lineOffset = countLineBreaks(text.slice(0, text.length - trimmed.length));
  if (!trimmed.startsWith('---') || trimmed.startsWith('----')) {
    return { data: {}, body: trimmed, hasFrontMatter: false, repairedTitle: false };
  }
  checkOpeningLine(trimmed, lineOffset);
  try {
    return { ...parseWithGrayMatter(trimmed), repairedTitle: false };
  } catch (error) {
    const repaired = requoteTitleLine(trimmed);
    if (repaired !== undefined && isYamlException(error)) {
      try {
        return { ...parseWithGrayMatter(repaired), repairedTitle: true };
      } catch {
        // The title was not the only damage: report the first error, which names the real line.
      }
    }
    throw toFrontMatterError(error, lineOffset);
  }
}

/**
 * gray-matter gets the front matter block only, up to its closing `---`: it copies its whole input
 * into a Buffer, and a body is often a hundred times the size of its front matter. The body is cut
 * where gray-matter would cut it: after the first line break that starts with `---`, less the
 * line break that ends that line.
 */
function parseWithGrayMatter(trimmed: string): Omit<FrontMatter, 'repairedTitle'> {
  const close = trimmed.indexOf(CLOSING_DELIMITER, 3);
  const blockEnd = close + CLOSING_DELIMITER.length;
  const file = matter(trimmed.slice(0, blockEnd), GRAY_MATTER_OPTIONS);
  return { data: file.data, body: trimmed.slice(blockEnd).replace(/^\r?\n?/, ''), hasFrontMatter: true };
}

function checkOpeningLine(trimmed: string, lineOffset: number): void {
  const firstLine = trimmed.slice(0, lineEnd(trimmed, 0));
  if (!OPENING_LINE.test(firstLine)) {
    const language = firstLine.slice(3).trim();
    throw new FrontMatterError(lineOffset + 1, `front matter in "${language}" is not supported; use YAML`);
  }
  if (trimmed.indexOf(CLOSING_DELIMITER, 3) === -1) {
    throw new FrontMatterError(lineOffset + 1, 'the front matter opened here is never closed with a "---" line');
  }
}

/**
 * The crawler that wrote the rsshub-page posts put titles between single quotes without escaping
 * them, e.g. `title: """""""""'LPR…'"""""""""`. Quotes the raw value again as one YAML string;
 * returns undefined when the title line does not look like that damage (a value that begins and
 * ends with a quote): other broken YAML is reported, not guessed at. Leftover quote runs in the
 * title are for the title repairer of the clean stage.
 */
export function requoteTitleLine(trimmed: string): string | undefined {
  const frontMatterEnd = trimmed.indexOf(CLOSING_DELIMITER, 3);
  const head = trimmed.slice(0, frontMatterEnd);
  const match = TITLE_LINE.exec(head);
  const raw = match?.[1];
  if (!match || raw === undefined || !QUOTED_VALUE.test(raw)) return undefined;
  const inner = raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  const line = `title: '${inner.replace(/'/g, "''")}'`;
  if (line === match[0].replace(/\r$/, '')) return undefined;
  return trimmed.slice(0, match.index) + line + trimmed.slice(match.index + match[0].length);
}

function toFrontMatterError(error: unknown, lineOffset: number): FrontMatterError {
  if (error instanceof FrontMatterError) return new FrontMatterError(error.line + lineOffset, error.reason);
  if (isYamlException(error)) {
    // js-yaml counts from 0 in the block that starts on the `---` line.
    return new FrontMatterError(lineOffset + (error.mark?.line ?? 0) + 1, error.reason);
  }
  return new FrontMatterError(lineOffset + 1, error instanceof Error ? error.message : String(error));
}

function isYamlException(error: unknown): error is YamlException {
  return error instanceof Error && error.name === 'YAMLException' && typeof (error as Partial<YamlException>).reason === 'string';
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}
