import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadThemeModel, readThemeModelFile, THEME_MODEL_FILE, writeThemeModelFile } from '../../src/themes/model-file.js';
import { trainThemeModel } from '../../src/themes/theme-model.js';

const EXAMPLES = [
  { theme: '体育', title: '湖人队主场击败勇士', text: '' },
  { theme: '体育', title: '火箭队季后赛首战获胜', text: '' },
  { theme: '楼市', title: '北京楼市成交量回升', text: '' },
  { theme: '楼市', title: '上海新房均价环比上涨', text: '' },
];

function collectingLog(): { warn(message: string): void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (message) => warnings.push(message), warnings };
}

describe('the theme model file', () => {
  it('is written whole and read back as the same model', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'zhoukan-model-'));
    const file = join(folder, 'data', THEME_MODEL_FILE);
    const model = trainThemeModel(EXAMPLES);
    const bytes = await writeThemeModelFile(file, model);
    expect(bytes).toBe(Buffer.byteLength(await readFile(file, 'utf8')));
    expect(readThemeModelFile({ file, configured: true }).model).toEqual(model);
  });

  it('is silently absent when nobody trained one, and reported when the configuration names it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'zhoukan-model-'));
    const file = join(folder, THEME_MODEL_FILE);
    const log = collectingLog();
    expect(loadThemeModel({ file, configured: false }, log)).toBeUndefined();
    expect(log.warnings).toEqual([]);
    expect(loadThemeModel({ file, configured: true }, log)).toBeUndefined();
    expect(log.warnings).toEqual([expect.stringMatching(new RegExp(`^theme model ${file}: cannot read it .*ENOENT.*; grouping without it$`))]);
  });

  it('when damaged, gives a warning naming the file and the reason, never a crash', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'zhoukan-model-'));
    const file = join(folder, THEME_MODEL_FILE);
    const log = collectingLog();
    const text = `${JSON.stringify(trainThemeModel(EXAMPLES))}\n`;

    await writeFile(file, text.slice(0, text.length / 2));
    expect(loadThemeModel({ file, configured: false }, log)).toBeUndefined();
    await writeFile(file, JSON.stringify({ format: 'zhoukan-theme-model', version: 1, id: 'x', themes: ['体育'] }));
    expect(loadThemeModel({ file, configured: false }, log)).toBeUndefined();
    expect(log.warnings).toEqual([
      expect.stringMatching(new RegExp(`^theme model ${file}: not valid JSON .*train it again with "zhoukan themes train FILE"; grouping without it$`)),
      `theme model ${file}: "themes" must list at least two theme names; grouping without it`,
    ]);

    // Mended, the same file is read again (not an earlier reading kept).
    await writeFile(file, text);
    expect(loadThemeModel({ file, configured: false }, log)?.themes).toEqual(['体育', '楼市']);
    expect(log.warnings).toHaveLength(2);
  });
});
