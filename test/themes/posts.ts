// Reads front-matter posts the simple way the theme tests need: a regex split of the front
// matter, the body's tags stripped. The real pipeline cleans bodies far better (src/clean).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ThemeInput } from '../../src/model.js';

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#123;': '{', '&#125;': '}' };

export function stripTags(html: string): string {
  return html
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#?\w+;/g, (entity) => ENTITIES[entity] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Unquotes a scalar: old posts wrap single quotes in runs of double ones ("""'…'""""). */
function unquote(value: string): string {
  const unwrapped = /^"+([\s\S]*?)"+$/.exec(value)?.[1] ?? value;
  return /^'([\s\S]*)'$/.exec(unwrapped)?.[1]?.replace(/''/g, "'") ?? unwrapped;
}

function field(frontMatter: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(frontMatter);
  return match?.[1] === undefined ? undefined : unquote(match[1].trim());
}

/** A post as theme grouping sees it; its id is the file name without extension. */
export function readPost(path: string, id: string): ThemeInput {
  const text = readFileSync(path, 'utf8').trim();
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${path}: no front matter`);
  const frontMatter = match[1]!;
  const date = new Date(field(frontMatter, 'date') ?? '');
  return {
    id,
    title: field(frontMatter, 'title') ?? '',
    text: stripTags(match[2]!),
    published: Number.isNaN(date.getTime()) ? new Date(0) : date,
  };
}

/** Every post of a folder whose name ends with one of `extensions`. */
export function readPosts(folder: string, extensions: readonly string[], idOf: (file: string) => string): ThemeInput[] {
  return readdirSync(folder)
    .filter((file) => extensions.some((extension) => file.endsWith(extension)))
    .sort()
    .map((file) => readPost(join(folder, file), idOf(file)));
}
