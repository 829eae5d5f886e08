// Golden files for the five seeds. Regenerate with UPDATE_GOLDEN=1 and read the diff before committing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repairTitle } from '../../src/clean/index.js';
import { cleanPost, GOLDEN_DIR, readSeed, SEED_NAMES } from './posts.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('cleaned seeds match their golden files', () => {
  it.each(SEED_NAMES)('%s', (name) => {
    const post = readSeed(name);
    const result = cleanPost(post);
    const files: Record<string, string> = {
      html: `${result.html}\n`,
      txt: `${result.text}\n`,
      json: `${JSON.stringify(
        {
          title: repairTitle(post.title),
          summary: result.summary,
          meta: result.meta,
          leadImage: result.leadImage ?? null,
          images: result.images,
          length: result.length,
          warnings: result.warnings,
        },
        null,
        2,
      )}\n`,
    };
    for (const [extension, actual] of Object.entries(files)) {
      const path = join(GOLDEN_DIR, `${name}.${extension}`);
      if (UPDATE) writeFileSync(path, actual);
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual, path).toBe(readFileSync(path, 'utf8'));
    }
  });
});
