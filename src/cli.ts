#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { loadConfig, type Config } from './config.js';
import { AppError, describeError } from './errors.js';
import { runBuild, type BuildSummary } from './jobs/build.js';
import { createConsoleLog, type Log } from './util/log.js';

// The command line. The only place that sets the process's exit status.

const SHARED_OPTIONS = {
  config: { type: 'string' },
  source: { type: 'string', multiple: true },
  output: { type: 'string' },
  data: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SHARED_HELP = `Options:
  --config FILE   configuration file (default: ./zhoukan.config.json, optional)
  --source DIR    a folder of posts; repeat for more; replaces the configured sources for this run
  --output DIR    where feeds and pages are written (default: output/)
  --data DIR      where the program keeps its state (default: data/)
  -q, --quiet     print only warnings, errors and the summary line
  -h, --help      show this help`;

interface Command {
  summary: string;
  usage: string;
  run(config: Readonly<Config>, log: Log): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  digest: {
    summary: 'the whole job: collect the sources, then build feeds and pages',
    usage: 'zhoukan digest [options]',
    run: (config, log) => build(config, log),
  },
  build: {
    summary: 'read the sources and write the feeds and article pages',
    usage: 'zhoukan build [options]',
    run: (config, log) => build(config, log),
  },
};

const MAIN_HELP = `zhoukan — clean feeds and a weekly digest from Chinese news posts

Usage: zhoukan <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join('\n')}

Run "zhoukan <command> --help" for a command's options.`;

async function build(config: Readonly<Config>, log: Log): Promise<number> {
  const summary = await runBuild({ config, log, now: new Date() });
  process.stdout.write(`${describeBuild(summary, config, log)}\n`);
  return 0;
}

function describeBuild(summary: BuildSummary, config: Readonly<Config>, log: Log): string {
  const nearby = relative(process.cwd(), config.output) || '.';
  const where = nearby.startsWith('..') ? config.output : nearby;
  const skipped = summary.problems.length;
  return [
    `zhoukan: ${summary.articles} articles from ${summary.read} posts`,
    `${skipped} skipped`,
    ...(summary.duplicates ? [`${summary.duplicates} duplicates`] : []),
    `${summary.output.feeds} feeds and ${summary.output.pages} pages in ${where}/ (${summary.output.written} written, ${summary.output.unchanged} unchanged)`,
    plural(log.warnings, 'warning'),
  ].join(', ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${MAIN_HELP}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`zhoukan: unknown command "${name}"\n\n${MAIN_HELP}\n`);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: SHARED_OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    process.stderr.write(`zhoukan ${name}: ${describeError(error)}\n\nUsage: ${command.usage}\n${SHARED_HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n\n${SHARED_HELP}\n`);
    return 0;
  }
  const log = createConsoleLog({ quiet: values.quiet });
  try {
    const config = loadConfig({ configFile: values.config, sources: values.source, output: values.output, data: values.data });
    return await command.run(config, log);
  } catch (error) {
    if (error instanceof AppError) {
      log.error(error.message);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode, not exit(): let stdout and stderr drain first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`zhoukan: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
