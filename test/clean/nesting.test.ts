import { load } from 'cheerio/slim';
import type { AnyNode, ParentNode } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { capNesting } from '../../src/clean/nesting.js';
import { MAX_NESTING } from '../../src/clean/parse.js';
import { depthOf } from './depth.js';

// capNesting is held to htmlparser2 itself: the markup it returns is parsed by the same parser as
// the cleaner's, and the tree's depth is the most elements the parser ever held open, which is
// what each of its tags costs.

function parse(html: string): ParentNode {
  return load(html, { xml: { xmlMode: false, decodeEntities: true } }, false).root()[0] as ParentNode;
}


/** Every piece of text in document order, script and comment text included, without recursion. */
function allText(root: ParentNode): string {
  let text = '';
  const pending: AnyNode[] = [...root.children].reverse();
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.type === 'text' || node.type === 'comment') text += node.data;
    if ('children' in node) for (let index = node.children.length - 1; index >= 0; index -= 1) pending.push(node.children[index] as AnyNode);
  }
  return text;
}

describe('capNesting: deep bodies as the parser gets them', () => {
  const depth = 20_000;
  // Each shape with all of its text, which must all reach the parser.
  const shapes: Record<string, [string, string]> = {
    'unclosed <i>': [`<p>开头。</p>${'<i>'.repeat(depth)}深处的正文。`, '开头。深处的正文。'],
    'closed <div><span>': [`${'<div><span>'.repeat(depth / 2)}<p>深处的正文。</p>${'</span></div>'.repeat(depth / 2)}<p>结尾。</p>`, '深处的正文。结尾。'],
    'unclosed <i>, then end tags of nothing open': [`${'<i>'.repeat(depth)}深处的正文。${'</b>'.repeat(depth)}`, '深处的正文。'],
    'nested lists': [`${'<ul><li>'.repeat(depth / 2)}深处的正文。`, '深处的正文。'],
    'nested SVG groups': [`<svg>${'<g>'.repeat(depth)}<text>图里的字</text></svg><p>深处的正文。</p>`, '图里的字深处的正文。'],
  };

  for (const [shape, [html, text]] of Object.entries(shapes)) {
    it(`${shape}: the parser never holds more than ${MAX_NESTING + 1} elements open, and every text is there`, () => {
      const capped = capNesting(html, MAX_NESTING);
      const root = parse(capped.html);
      expect(depthOf(root)).toBeLessThanOrEqual(MAX_NESTING + 1);
      expect(capped.flattened).toBeGreaterThan(depth / 2 - MAX_NESTING);
      expect(allText(root)).toBe(text);
    });
  }

  it('keeps the innermost elements below the limit, and elements whose content is dropped anyway', () => {
    const html = `${'<div>'.repeat(10)}<p>甲</p><p>乙<a href="/x">链接</a></p><script>if (a<b) x()</script><svg><g><text>图</text></g></svg>`;
    const { html: capped } = capNesting(html, 10);
    // The second <p> holds a link: it gives way, the link stays; the <svg> keeps its text, not its elements.
    expect(capped).toBe(`${'<div>'.repeat(10)}<p>甲</p>乙<a href="/x">链接</a><script>if (a<b) x()</script><svg>图</svg>`);
    expect(depthOf(parse(capped))).toBe(11);
  });

  it('returns markup the parser nests within the limit as it is', () => {
    const html = `${'<blockquote>'.repeat(MAX_NESTING - 1)}<p>引<br>文</p>${'</blockquote>'.repeat(MAX_NESTING - 1)}${'<p>段落'.repeat(1000)}${'<li>项'.repeat(1000)}`;
    expect(depthOf(parse(html))).toBe(MAX_NESTING + 1); // the <br>, which is never held open
    expect(capNesting(html, MAX_NESTING)).toEqual({ html, flattened: 0 });
  });
});

describe('capNesting against htmlparser2 on random tag soup', () => {
  // Tags whose handling differs in the parser: implied ends, void and self-closing elements,
  // foreign content, raw text, comments, end tags of nothing open, odd spacing and case.
  const TOKENS = [
    '<p>', '</p>', '<div>', '</div>', '<i>', '</i>', '<b>', '</b>', '<span class="a>b">', '</span>', '<li>', '</li>', '<ul>',
    '<table>', '<tr>', '<td>', '<th>', '<tbody>', '<select>', '<option>', '<optgroup>', '<input>', '<dd>', '<dt>', '<h2>',
    '<svg>', '</svg>', '<g/>', '<path d="M0 0"/>', '<math>', '<mi>', '</mi>', '<desc>', '</desc>', '<foreignObject>',
    '<br>', '</br>', '<img src=x>', '<hr/>', '<script>x<i>y</script>', '<style>p<b>{}</style >', '<title>t<i></title>',
    '<script/>', '</script>', '<textarea><p></textarea>', '<xmp><i></xmp>', '<!-- <i> -->', '<!x>', '<?pi <i>?>', '</ i>', '</3>',
    '</>', '<P>', '</SPAN>', '<x/>', '<a href=/y/>', '<object>', '</object>', '<noscript>', 'text', ' ', '字', '<td a=\'<i>\'>',
  ];

  /** A small deterministic generator (mulberry32): the same soups on every run. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  it('never lets the parser nest past one below the limit (two for raw text in dropped content), never loses text, and leaves shallow markup alone', () => {
    const next = random(20_221_207);
    let capped = 0;
    for (let round = 0; round < 800; round += 1) {
      const limit = 1 + Math.floor(next() * 6);
      const length = 5 + Math.floor(next() * 120);
      const html = Array.from({ length }, () => TOKENS[Math.floor(next() * TOKENS.length)]).join('');
      const result = capNesting(html, limit);
      const original = parse(html);
      const parsed = parse(result.html);
      const context = `limit ${limit}: ${html}`;
      expect(depthOf(parsed), context).toBeLessThanOrEqual(limit + 2);
      expect(allText(parsed), context).toBe(allText(original));
      if (depthOf(original) <= limit) expect(result, context).toEqual({ html, flattened: 0 });
      if (result.flattened > 0) capped += 1;
    }
    expect(capped).toBeGreaterThan(150);
  });
});
