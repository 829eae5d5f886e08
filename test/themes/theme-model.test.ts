import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseThucnews } from '../../src/themes/eval-corpus.js';
import { compileThemeModel, predictThemes, themeModelProblem, trainThemeModel, type ThemeExample, type ThemeModel } from '../../src/themes/theme-model.js';
import { SHARED } from '../support/cli.js';
import { lacks, needs } from '../support/requirements.js';

const THUCNEWS = join(SHARED, 'corpus/classification/thucnews-titles');

/** THUCNews dev titles as examples: the first `count` after `skip`. */
function thucnewsExamples(skip: number, count: number): ThemeExample[] {
  const classNames = readFileSync(join(THUCNEWS, 'class.txt'), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
  return parseThucnews(readFileSync(join(THUCNEWS, 'dev.txt'), 'utf8'), classNames)
    .slice(skip, skip + count)
    .map((item) => ({ theme: item.label, title: item.article.title, text: item.article.text }));
}

function predictedTheme(model: ThemeModel, example: Pick<ThemeExample, 'title' | 'text'>): string {
  const compiled = compileThemeModel(model);
  const probabilities = predictThemes(compiled, example);
  return compiled.themes[probabilities.indexOf(Math.max(...probabilities))]!;
}

const SMALL: ThemeExample[] = [
  { theme: '体育', title: '湖人队主场击败勇士', text: '' },
  { theme: '体育', title: '国足世预赛客场告负', text: '' },
  { theme: '体育', title: '火箭队季后赛首战获胜', text: '' },
  { theme: '楼市', title: '北京楼市成交量回升', text: '' },
  { theme: '楼市', title: '上海新房均价环比上涨', text: '' },
  { theme: '楼市', title: '多地放宽住房公积金贷款', text: '' },
];

describe('a theme model learned from examples', () => {
  it('is the same model, to the byte, for the same examples', () => {
    const first = JSON.stringify(trainThemeModel(SMALL));
    expect(JSON.stringify(trainThemeModel(SMALL.map((example) => ({ ...example }))))).toBe(first);
    expect((JSON.parse(first) as ThemeModel).id).toMatch(/^[0-9a-f]{16}$/);
    // Other examples, another id: the theme thread compiles the new model instead of reusing the old.
    expect(trainThemeModel(SMALL.slice(1)).id).not.toBe(trainThemeModel(SMALL).id);
  });

  it('knows a headline by characters it shares with the examples, not only by whole words', () => {
    const model = trainThemeModel(SMALL);
    // 湖人 and 楼市 are not words of these examples as jieba cuts them (湖人队, 北京楼市…), their characters are.
    expect(predictedTheme(model, { title: '湖人险胜', text: '' })).toBe('体育');
    expect(predictedTheme(model, { title: '二手房挂牌价走低 楼市观望', text: '' })).toBe('楼市');
  });

  it('gives probabilities that sum to one, in the order of its themes', () => {
    const compiled = compileThemeModel(trainThemeModel(SMALL));
    const probabilities = predictThemes(compiled, { title: '勇士客场获胜', text: '' });
    expect(compiled.themes).toEqual(['体育', '楼市']);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(probabilities[0]).toBeGreaterThan(probabilities[1]!);
  });

  it.skipIf(lacks(needs.shared, 'a theme model on THUCNews headlines'))('reports its cross-validated accuracy, and on 2,000 real headlines predicts unseen ones well', () => {
    const model = trainThemeModel(thucnewsExamples(0, 2000));
    const validation = model.crossValidation!;
    expect(validation.method).toBe('leave-one-out');
    expect(validation.perTheme.reduce((sum, theme) => sum + theme.examples, 0)).toBe(2000);
    const correct = validation.perTheme.reduce((sum, theme) => sum + theme.correct, 0);
    expect(validation.accuracy).toBeCloseTo(correct / 2000, 3);
    expect(validation.accuracy).toBeGreaterThan(0.65);
    expect(model.sharpness).toBeGreaterThan(0);

    const heldOut = thucnewsExamples(2000, 300);
    const compiled = compileThemeModel(JSON.parse(JSON.stringify(model)) as ThemeModel);
    const hits = heldOut.filter((example) => {
      const probabilities = predictThemes(compiled, example);
      return compiled.themes[probabilities.indexOf(Math.max(...probabilities))] === example.theme;
    }).length;
    expect(hits / heldOut.length).toBeGreaterThan(0.65);
  });

  it('needs examples of two themes at least', () => {
    expect(() => trainThemeModel(SMALL.slice(0, 3))).toThrow(/at least two themes/);
  });
});

describe('themeModelProblem', () => {
  const model = trainThemeModel(SMALL);

  it('accepts a trained model, also after a round trip through JSON', () => {
    expect(themeModelProblem(JSON.parse(JSON.stringify(model)))).toBeUndefined();
  });

  it('names what is wrong with a damaged or foreign file', () => {
    const damaged = (change: (copy: Record<string, unknown>) => void): string | undefined => {
      const copy = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
      change(copy);
      return themeModelProblem(copy);
    };
    expect(themeModelProblem([1, 2])).toMatch(/not a theme model/);
    expect(themeModelProblem({ themes: [] })).toMatch(/not a theme model/);
    expect(damaged((copy) => (copy.version = 99))).toMatch(/version 99.*train it again/);
    expect(damaged((copy) => (copy.themes = ['体育']))).toMatch(/at least two/);
    expect(damaged((copy) => (copy.documentFrequency = [1]))).toMatch(/documentFrequency/);
    expect(damaged((copy) => (copy.sharpness = -1))).toMatch(/sharpness/);
    expect(damaged((copy) => ((copy.weights as number[][])[1] = [999_999, 0.5]))).toMatch(/weights.*楼市.*indexes below/);
    expect(damaged((copy) => ((copy.weights as number[][])[0] = [0]))).toMatch(/weights.*体育/);
  });
});
