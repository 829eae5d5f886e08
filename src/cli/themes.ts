import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Log } from '../util/log.js';
import { shown } from './summary.js';

// `zhoukan themes train FILE`: learns a theme model from labelled examples and stores it where
// builds and digests read it (config.themeModel, by default data/theme-model.json).

export const THEMES_HELP = `

Subcommands:
  train FILE      learn themes from labelled examples and store the model beside the archive
                  (data/theme-model.json, or the configured themeModel file); builds and digests
                  then use it before the taxonomy's keywords. FILE has one example a line:
                    theme<TAB>title
                    theme<TAB>title<TAB>text
                    {"theme": "…", "title": "…", "text": "…"}
                  Lines starting with # are comments. Prints the model's cross-validated accuracy.`;

/** Bad lines named one by one up to this many, then counted. */
const PROBLEMS_SHOWN = 20;
/** A theme with fewer examples than this is learned poorly: say so. */
const FEW_EXAMPLES = 5;

export async function runThemesCommand(args: readonly string[], config: Readonly<Config>, log: Log): Promise<number> {
  const [subcommand, file, ...rest] = args;
  if (subcommand !== 'train' || file === undefined || rest.length > 0) {
    throw new AppError('USAGE', `usage: zhoukan themes train FILE (got "${args.join(' ')}")`);
  }
  const [{ readThemeExamples }, { trainThemeModel }, { writeThemeModelFile, THEME_MODEL_FILE }] = await Promise.all([
    import('../themes/theme-examples.js'),
    import('../themes/theme-model.js'),
    import('../themes/model-file.js'),
  ]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('SOURCE_READ', `cannot read the examples ${file}: ${(error as Error).message}`, { cause: error });
  }
  const { examples, problems } = readThemeExamples(text);
  for (const problem of problems.slice(0, PROBLEMS_SHOWN)) log.warn(`${file}: ${problem}; skipped`);
  if (problems.length > PROBLEMS_SHOWN) log.warn(`${file}: ${problems.length - PROBLEMS_SHOWN} more lines skipped`);
  const themes = new Set(examples.map((example) => example.theme));
  if (themes.size < 2) {
    log.error(`${file}: a theme model needs examples of at least two themes; found ${examples.length} examples of ${themes.size}`);
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
    `zhoukan: trained a theme model on ${examples.length} examples of ${model.themes.length} themes from ${file} in ${seconds.toFixed(1)} s` +
      ` (${accuracy}); wrote ${shown(target)} (${(bytes / 1024).toFixed(0)} KiB, ${model.terms.length} terms)` +
      `${config.themeModel ? '' : ', but the configuration sets themeModel to false, so builds do not use it'}; ${log.warnings} warnings\n`,
  );
  return 0;
}
