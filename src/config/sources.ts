import { basename, resolve } from 'node:path';
import type { FeedSource, FolderSource } from './types.js';
import { isRecord } from './fields.js';

// The sources of a run: folders of posts and remote feeds.

export function readSources(value: unknown, fileDir: string, defaults: string[], problems: string[]): FolderSource[] {
  if (value === undefined) return defaults.map((path) => folderSource(resolve(fileDir, path)));
  if (!Array.isArray(value)) {
    problems.push('sources: must be a list of folders ("posts" or {"name": "posts", "path": "posts"})');
    return [];
  }
  const sources: FolderSource[] = [];
  value.forEach((entry, index) => {
    if (typeof entry === 'string' && entry.trim()) {
      sources.push(folderSource(resolve(fileDir, entry)));
    } else if (isRecord(entry) && typeof entry.path === 'string' && entry.path.trim()) {
      const source = folderSource(resolve(fileDir, entry.path));
      if (entry.name !== undefined) {
        if (typeof entry.name === 'string' && /^[\w.-]+$/u.test(entry.name)) source.name = entry.name;
        else problems.push(`sources[${index}].name: use letters, digits, '.', '_' or '-'`);
      }
      sources.push(source);
    } else {
      problems.push(`sources[${index}]: must be a folder path or an object with "path"`);
    }
  });
  return sources;
}

export function folderSource(path: string): FolderSource {
  return { name: basename(path).replace(/[^\w.-]+/gu, '-') || 'posts', path };
}

export function readFeeds(value: unknown, problems: string[]): FeedSource[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push('feeds: must be a list of feed URLs ("https://…" or {"name": "…", "url": "https://…"})');
    return [];
  }
  return value.flatMap((entry, index) => {
    const where = `feeds[${index}]`;
    if (typeof entry === 'string') return [feedSource(entry, where, problems)];
    if (isRecord(entry) && typeof entry.url === 'string') {
      const source = feedSource(entry.url, where, problems);
      if (entry.name !== undefined) {
        if (typeof entry.name === 'string' && /^[\w.-]+$/u.test(entry.name)) source.name = entry.name;
        else problems.push(`${where}.name: use letters, digits, '.', '_' or '-'`);
      }
      return [source];
    }
    problems.push(`${where}: must be a URL or an object with "url"`);
    return [];
  });
}

export function feedSource(url: string, where: string, problems: string[]): FeedSource {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    const name = `${parsed.hostname}${parsed.pathname}`.replace(/[^\w.-]+/gu, '-').replace(/^-+|-+$/gu, '');
    return { name, url: parsed.toString() };
  } catch {
    problems.push(`${where}: "${url}" is not an absolute http(s) URL`);
    return { name: url, url };
  }
}

/** Ids and messages name sources, so two must not share a name. */
export function checkDistinctNames(sources: { name: string }[], problems: string[]): void {
  const names = sources.map((source) => source.name);
  for (const name of new Set(names.filter((name, i) => names.indexOf(name) !== i))) {
    problems.push(`sources: the name "${name}" is used twice; give each source its own "name"`);
  }
}
