import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { ThemeExample } from '../themes/theme-model.js';
import type { Log } from '../util/log.js';
import { shown } from './summary.js';

// `zhoukan themes train [FILE] [--from-archive]`: learns a theme model from labelled examples, or
// from the articles past digests put in named themes, and stores it where builds and digests read
// it (config.themeModel, by default data/theme-model.json).

export const THEMES_HELP = `

Subcommands:
  train FILE      learn themes from labelled examples and store the model beside the archive
                  (data/theme-model.json, or the configured themeModel file); builds and digests
                  then use it before the taxonomy's keywords. FILE has one example a line:
                    theme<TAB>title
                    theme<TAB>title<TAB>text
                    {"theme": "…", "title": "…", "text": "…"}
                  Lines starting with # are comments. Prints the model's cross-validated accuracy.
  train --from-archive
                  learn from the articles past digests put in named themes (the newest 10,000;
                  clusters and 其他要闻 left out), with FILE's examples too when one is given.`;

/** Bad lines named one by one up to this many, then counted. */
const PROBLEMS_SHOWN = 20;
/** A theme with fewer examples than this is learned poorly: say so. */
const FEW_EXAMPLES = 5;
/** Past articles learned from at most (the newest digests'): more teach little and cost training time. */
const ARCHIVE_EXAMPLES = 10_000;

export interface ThemesCommandOptions {
  /** Learn from the articles past digests put in named themes too. */
  fromArchive: boolean;
}

/** The examples of a file; each bad line is named and skipped. */
async function examplesOfFile(file: string, log: Log): Promise<ThemeExample[]> {
  const { readThemeExamples } = await import('../themes/theme-examples.js');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('SOURCE_READ', `cannot read the examples ${file}: ${(error as Error).message}`, { cause: error });
  }
  const { examples, problems } = readThemeExamples(text);
  for (const problem of problems.slice(0, PROBLEMS_SHOWN)) log.warn(`${file}: ${problem}; skipped`);
  if (problems.length > PROBLEMS_SHOWN) log.warn(`${file}: ${problems.length - PROBLEMS_SHOWN} more lines skipped`);
  return examples;
}

/** Past articles as examples of the named theme a digest put them in (the Simplified text where there is one). */
async function examplesOfArchive(store: Store): Promise<ThemeExample[]> {
  return (await store.digests.themedArticles(ARCHIVE_EXAMPLES)).map(({ article, theme }) => ({ theme, title: article.title, text: article.simplifiedText ?? article.text }));
}

export async function runThemesCommand(
  args: readonly string[],
  options: ThemesCommandOptions,
  { config, log, store }: { config: Readonly<Config>; log: Log; store: Store },
): Promise<number> {
  const [subcommand, file, ...rest] = args;
  if (subcommand !== 'train' || (file === undefined && !options.fromArchive) || rest.length > 0) {
    throw new AppError('USAGE', `usage: zhoukan themes train FILE, or zhoukan themes train [FILE] --from-archive (got "${args.join(' ')}")`);
  }
  const [{ trainThemeModel }, { writeThemeModelFile, THEME_MODEL_FILE }] = await Promise.all([
    import('../themes/theme-model.js'),
    import('../themes/model-file.js'),
  ]);
  const fromFile = file === undefined ? [] : await examplesOfFile(file, log);
  const fromArchive = options.fromArchive ? await examplesOfArchive(store) : [];
  const examples = [...fromFile, ...fromArchive];
  const origin = [
    ...(file === undefined ? [] : [file]),
    ...(options.fromArchive ? [`${fromArchive.length} archived articles of past digests`] : []),
  ].join(' and ');
  const themes = new Set(examples.map((example) => example.theme));
  if (themes.size < 2) {
    const hint = options.fromArchive ? ' (past digests put articles in named themes once a digest has been sent)' : '';
    log.error(`${origin}: a theme model needs examples of at least two themes; found ${examples.length} examples of ${themes.size}${hint}`);
    return 1;
  }
  const start = performance.now();
  const model = trainThemeModel(examples);
  const seconds = (performance.now() - start) / 1000;
  const target = config.themeModel?.file ?? join(config.data, THEME_MODEL_FILE);
  const bytes = await writeThemeModelFile(target, model);

  const validation = model.crossValidation;
  for (const [index, theme] of model.themes.entries()) {
    const examplesOf = model.examples[index]!;
    const hits = validation?.perTheme[index];
    const rate = hits && hits.examples > 0 ? `, ${(hits.correct / hits.examples).toFixed(2)} cross-validated` : '';
    process.stdout.write(`  ${theme}: ${examplesOf} examples${rate}\n`);
    if (examplesOf < FEW_EXAMPLES) log.warn(`theme "${theme}" has only ${examplesOf} examples: it will seldom be chosen`);
  }
  const accuracy = validation ? `cross-validated accuracy ${validation.accuracy.toFixed(3)}, leave-one-out` : 'not cross-validated';
  process.stdout.write(
    `zhoukan: trained a theme model on ${examples.length} examples of ${model.themes.length} themes from ${origin} in ${seconds.toFixed(1)} s` +
      ` (${accuracy}); wrote ${shown(target)} (${(bytes / 1024).toFixed(0)} KiB, ${model.terms.length} terms)` +
      `${config.themeModel ? '' : ', but the configuration sets themeModel to false, so builds do not use it'}; ${log.warnings} warnings\n`,
  );
  return 0;
}
