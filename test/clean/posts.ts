// Reads the sample posts for the cleaning tests (a deliberately tiny front-matter split, not the reader).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanBody, repairTitle, type CleanResult } from '../../src/clean/index.js';
import { lacks, needs } from '../support/requirements.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEEDS_DIR = join(ROOT, 'seeds');
export const CORPUS_DIR = join(ROOT, '..', 'shared', 'corpus', 'rsshub-page');
export const GOLDEN_DIR = join(ROOT, 'test', 'fixtures', 'clean', 'golden');

export interface Post {
  name: string;
  /** The title line's value as written (YAML single quotes removed). */
  title: string;
  imageHint?: string;
  /** Everything after the closing `---`. */
  body: string;
}

export const SEED_NAMES = readdirSync(SEEDS_DIR).filter((name) => name.endsWith('.txt')).map((name) => name.replace(/\.txt$/, '')).sort();
/** True where shared/ is missing: the corpus posts are then left out, and the tests naming one skipped. */
export const NO_CORPUS = lacks(needs.shared, 'the cleaning tests on the rsshub-page corpus');
export const CORPUS_NAMES = NO_CORPUS ? [] : readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.md')).map((name) => name.replace(/\.md$/, '')).sort();

export function readSeed(name: string): Post {
  return parsePost(name, readFileSync(join(SEEDS_DIR, `${name}.txt`), 'utf8'));
}

export function readCorpusPost(name: string): Post {
  return parsePost(name, readFileSync(join(CORPUS_DIR, `${name}.md`), 'utf8'));
}

export function readAllPosts(): Post[] {
  return [...SEED_NAMES.map(readSeed), ...CORPUS_NAMES.map(readCorpusPost)];
}

/** Cleans a post the way the pipeline will: repaired title, headimg as the hint, no base URL. */
export function cleanPost(post: Post): CleanResult {
  return cleanBody({ html: post.body, title: repairTitle(post.title), imageHint: post.imageHint });
}

function parsePost(name: string, raw: string): Post {
  const text = raw.trim();
  const end = text.indexOf('\n---', 3);
  if (!text.startsWith('---') || end < 0) throw new Error(`${name}: no front matter`);
  const frontMatter = text.slice(3, end);
  const title = /^title:[ \t]*(.*)$/m.exec(frontMatter)?.[1] ?? '';
  const imageHint = /^headimg:[ \t]*'?([^'\n]*)'?$/m.exec(frontMatter)?.[1];
  return { name, title: unquoteYaml(title.trim()), imageHint, body: text.slice(end + 4) };
}

function unquoteYaml(value: string): string {
  return /^'.*'$/s.test(value) ? value.slice(1, -1).replace(/''/g, "'") : value;
}
