import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cleaningWorkers, runCollect } from '../../src/jobs/collect.js';
import { runCli, SHARED } from '../support/cli.js';
import { createTestContext } from '../support/context.js';
import { lacks, needs } from '../support/requirements.js';

const run = promisify(execFile);

/** Everything archived about each article and file, in a comparable form (times of the run aside). */
function archived(database: string): { articles: unknown[]; files: unknown[]; revision: unknown } {
  const db = new Database(database, { readonly: true });
  try {
    const articles = db
      .prepare(
        `SELECT id, slug, source, path, link, title, published, date_guessed, updated, author, categories, html, text,
           simplified_text, summary, length, images, lead_image, meta, content_hash, body_hash, duplicate_of, revision, first_revision
         FROM articles ORDER BY id`,
      )
      .all();
    const files = db.prepare('SELECT source, path, size, mtime_ms, content_hash, article_id, problem FROM files ORDER BY source, path').all();
    const revision = (db.prepare("SELECT value FROM meta WHERE key = 'revision'").get() as { value: string } | undefined)?.value;
    return { articles, files, revision };
  } finally {
    db.close();
  }
}

describe.skipIf(lacks(needs.shared, 'collecting make-corpus posts in worker threads'))('collecting a large change in worker threads', () => {
  it('archives exactly what collecting in one thread archives, warnings included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-workers-'));
    const posts = join(dir, 'posts');
    // Above the size where the compiled command line prepares batches in worker threads.
    await run(join(SHARED, 'tools/make-corpus'), ['--n', '900', '--out', posts]);
    // A few posts that are skipped or warned about, spread over different batches.
    await writeFile(join(posts, '0100_broken.txt'), '---\ntitle: [unclosed\n---\n<p>正文</p>\n');
    await writeFile(join(posts, '0500_no-date.md'), '---\ntitle: 没有日期\n---\n<p>正文。</p>\n');
    await writeFile(join(posts, '0800_empty.md'), '');

    // The command line (dist/, worker threads); the id authority is fixed so both archives agree.
    // Two workers on any machine, so batches are cleaned out of order and must be saved in order.
    const config = join(dir, 'zhoukan.config.json');
    await writeFile(config, JSON.stringify({ site: { idAuthority: 'example.org,2022-06-08' }, workers: 2 }));
    const cli = await runCli(['collect', '--config', config, '--source', posts, '--data', join(dir, 'cli-data')], { cwd: dir });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/collected \d+ new/);

    // The same folder collected in this thread (the TypeScript sources have no worker script).
    const context = await createTestContext({ sources: [posts], file: { site: { idAuthority: 'example.org,2022-06-08' } } });
    const summary = await runCollect(context);
    await context.store.close();
    expect(summary.skipped).toBe(2);

    const threads = archived(join(dir, 'cli-data', 'zhoukan.db'));
    const inline = archived(join(context.config.data, 'zhoukan.db'));
    expect(threads.articles).toHaveLength(901);
    expect(threads).toEqual(inline);

    // Warnings arrive in file order, once each, as the one-thread run logs them.
    const warnings = cli.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    const inlineWarnings = context.log.lines.filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual(inlineWarnings);
    expect(warnings.some((line) => line.includes('0500_no-date.md: no date'))).toBe(true);
  });

  it('archives a few new files in two folders as one thread does (they are cleaned on one warmed-up worker)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-workers-'));
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await run(join(SHARED, 'tools/make-corpus'), ['--n', '3', '--out', first]);
    await run(join(SHARED, 'tools/make-corpus'), ['--n', '2', '--out', second, '--seed', '2']);
    await writeFile(join(first, '0009_no-date.md'), '---\ntitle: 没有日期\n---\n<p>正文。</p>\n');
    await writeFile(join(second, '0009_broken.txt'), '---\ntitle: [unclosed\n---\n<p>正文</p>\n');

    const config = join(dir, 'zhoukan.config.json');
    await writeFile(config, JSON.stringify({ site: { idAuthority: 'example.org,2022-06-08' } }));
    const cli = await runCli(['collect', '--config', config, '--source', first, '--source', second, '--data', join(dir, 'cli-data')], { cwd: dir });
    expect(cli.code).toBe(0);

    const context = await createTestContext({ sources: [first, second], file: { site: { idAuthority: 'example.org,2022-06-08' } } });
    const summary = await runCollect(context);
    await context.store.close();
    expect(summary).toMatchObject({ new: 6, skipped: 1 });

    const threads = archived(join(dir, 'cli-data', 'zhoukan.db'));
    expect(threads.files).toHaveLength(7);
    expect(threads).toEqual(archived(join(context.config.data, 'zhoukan.db')));
    const warnings = cli.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual(context.log.lines.filter((line) => line.startsWith('warning: ')));
    expect(warnings.some((line) => line.includes('0009_no-date.md: no date'))).toBe(true);
  });
});

describe('how many threads clean a change', () => {
  it('leaves a core to the archive thread unless the change repays every worker\'s warm-up', () => {
    expect(cleaningWorkers(10_000, { cores: 2 })).toBe(1);
    expect(cleaningWorkers(14_999, { cores: 2 })).toBe(1);
    expect(cleaningWorkers(15_000, { cores: 2 })).toBe(2);
    expect(cleaningWorkers(100_000, { cores: 2 })).toBe(2);
    expect(cleaningWorkers(1_000, { cores: 4 })).toBe(3);
    expect(cleaningWorkers(100_000, { cores: 16 })).toBe(4);
  });

  it('gives a few files one worker, and none on one core', () => {
    expect(cleaningWorkers(3, { cores: 8 })).toBe(1);
    expect(cleaningWorkers(3, { cores: 1 })).toBe(0);
    expect(cleaningWorkers(100_000, { cores: 1 })).toBe(0);
  });

  it('follows the workers setting, 0 meaning the main thread cleans', () => {
    expect(cleaningWorkers(1_000, { configured: 3, cores: 2 })).toBe(3);
    expect(cleaningWorkers(3, { configured: 3, cores: 2 })).toBe(1);
    expect(cleaningWorkers(100_000, { configured: 0, cores: 8 })).toBe(0);
    expect(cleaningWorkers(3, { configured: 0, cores: 8 })).toBe(0);
  });
});
