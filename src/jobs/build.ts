import { join } from 'node:path';
import { cleanArticle } from '../clean/article.js';
import { AppError, describeError } from '../errors.js';
import type { Article, Problem, RawArticle } from '../model.js';
import { assignSlugs } from '../util/slug.js';
import { writeOutputs, type OutputSummary } from '../output/write.js';
import { readFolder } from '../sources/markdown.js';
import { loadIdAuthority } from '../store/identity.js';
import type { JobContext } from './context.js';

export interface BuildSummary {
  /** Files read into articles. */
  read: number;
  /** Files or folders that could not be used. */
  problems: Problem[];
  /** Articles dropped because another one had the same id. */
  duplicates: number;
  articles: number;
  output: OutputSummary;
}

/** Reads every configured folder, cleans the posts and writes feeds and pages. */
export async function runBuild(context: JobContext): Promise<BuildSummary> {
  const { config, log, now } = context;
  const idAuthority = config.site.idAuthority ?? (await loadIdAuthority(config.data, config.site.url, now));

  const problems: Problem[] = [];
  const raws: RawArticle[] = [];
  for (const source of config.sources) {
    const result = await readFolder(source, { zone: config.timeZone, idAuthority, log });
    raws.push(...result.articles);
    problems.push(...result.problems);
  }

  const folders = new Map(config.sources.map((source) => [source.name, source.path]));
  const where = (article: Pick<RawArticle, 'source' | 'path' | 'id'>) =>
    article.path ? join(folders.get(article.source) ?? article.source, article.path) : article.id;

  const cleaned = raws.map((raw) => {
    const { article, warnings } = cleanArticle(raw);
    // One line per article, whatever the cleaner had to say about it.
    if (warnings.length > 0) log.warn(`${where(raw)}: ${warnings.join('; ')}`);
    return article;
  });
  const { unique, duplicates } = dropDuplicateIds(cleaned, log, where);
  if (unique.length === 0) {
    const folders = config.sources.map((source) => source.path).join(', ');
    throw new AppError('SOURCE_EMPTY', `no article could be read from ${folders || 'any source'}`);
  }

  const articles: Article[] = assignSlugs(unique.sort((a, b) => a.id.localeCompare(b.id))).sort(newestFirst);
  let output: OutputSummary;
  try {
    output = await writeOutputs(articles, {
      dir: config.output,
      site: { ...config.site, idAuthority },
      timeZone: config.timeZone,
      feedSize: config.feed.size,
    });
  } catch (error) {
    throw new AppError('OUTPUT_IO', `writing ${config.output} failed: ${describeError(error)}`, { cause: error });
  }
  return { read: raws.length, problems, duplicates, articles: articles.length, output };
}

function dropDuplicateIds<T extends Omit<Article, 'slug'>>(
  articles: T[],
  log: JobContext['log'],
  where: (article: T) => string,
) {
  const byId = new Map<string, T>();
  let duplicates = 0;
  for (const article of articles) {
    const existing = byId.get(article.id);
    if (!existing) {
      byId.set(article.id, article);
      continue;
    }
    duplicates += 1;
    const keep = timeOf(article) > timeOf(existing) ? article : existing;
    const drop = keep === article ? existing : article;
    log.warn(`${where(drop)}: same id as ${where(keep)} (${article.id}); keeping the newer one`);
    byId.set(article.id, keep);
  }
  return { unique: [...byId.values()], duplicates };
}

function timeOf(article: Pick<Article, 'published' | 'updated'>): number {
  return (article.updated ?? article.published).getTime();
}

function newestFirst(a: Article, b: Article): number {
  return b.published.getTime() - a.published.getTime() || a.id.localeCompare(b.id);
}
