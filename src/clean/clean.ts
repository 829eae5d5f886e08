// The cleaning stage: one htmlparser2 parse, rule-driven DOM passes, then the allowlist sanitizer.
import type { AnyNode, ChildNode, Document, Element } from 'domhandler';
import { removeElement } from 'domutils';
import type { ArticleMeta, CleanBody } from '../model.js';
import { countChars, normalizeSpace, stripInvalidXmlChars } from '../util/text.js';
import { hostOf, resolveUrl } from '../util/url.js';
import { blocksToText, collectBlocks } from './blocks.js';
import { BLANK, type CleanPass, isBlockElement, isElement, textOf } from './dom.js';
import { appendNodes, createElement, replaceWith, unwrap } from './edit.js';
import { fixImages, hintImage } from './images.js';
import { parseHtml } from './parse.js';
import { allElements, elementsNamed, selectElements } from './query.js';
import { rulesForHost, type MetaRule, type SiteRules } from './rules.js';
import { renderSanitized, sanitizeTree, unsafeScheme } from './sanitize.js';
import { summarize } from './summary.js';
import { repairTitle } from './title.js';
import { lastTextNode, tidyWhitespace } from './whitespace.js';

export interface CleanInput {
  /** Body HTML as the source gave it. */
  html: string;
  /** The article title (repaired or raw); used to skip a first paragraph that repeats it. */
  title: string;
  /** Lead image named by the front matter or feed; often a promo, so only a fallback. */
  imageHint?: string;
  /** URL of the article: picks the site rules and resolves relative links. */
  baseUrl?: string;
}

export type CleanResult = CleanBody & { warnings: string[] };

/** 原标题 and 来源 count only among this many paragraphs at either end of the body. */
const META_EDGE_PARAGRAPHS = 3;

/** Cleans one article body: boilerplate out, metadata lifted, images fixed, HTML sanitized. */
export function cleanBody(input: CleanInput): CleanResult {
  const rules = rulesForHost(hostOf(input.baseUrl));
  const warnings: string[] = [];
  const root = parseHtml(stripCommentsAndCdata(input.html), warnings);
  const pass: CleanPass = { root, rules, baseUrl: input.baseUrl, warnings };

  removeBoilerplate(pass);
  const images = fixImages(pass);
  simplifyInline(pass);
  unwrapBlocks(pass);
  const meta = liftMetadata(pass);
  fixLinks(pass);
  dropNoiseAttributes(pass);
  tidyWhitespace(pass);

  const blocks = collectBlocks(root.children);
  const removed = sanitizeTree(root);
  if (removed.length > 0) pass.warnings.push(`removed unsafe markup: ${removed.join(', ')}`);
  const text = blocksToText(blocks);

  return {
    html: stripInvalidXmlChars(renderSanitized(root)).trim(),
    text,
    summary: stripInvalidXmlChars(summarize({ blocks, title: repairTitle(input.title) })),
    length: countChars(text),
    images,
    leadImage: images[0] ?? hintImage(input.imageHint, pass),
    meta,
    warnings: [...new Set(pass.warnings)],
  };
}

/**
 * The only regex pass over the markup, before parsing. Comments go: Sina wraps old markup in them
 * (`<!--article_adlist[<p>…</p>]article_adlist-->`), and a stray `<!--` would make the parser
 * swallow the rest of the article, so an unterminated opener is dropped on its own. A CDATA
 * wrapper left over from a feed is unwrapped (the HTML parser would read it as a comment).
 */
function stripCommentsAndCdata(html: string): string {
  if (!html.includes('<!')) return html; // all three patterns start with it
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!--/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

function removeBoilerplate({ root, rules }: CleanPass): void {
  for (const element of selectElements(root, rules.drop)) removeElement(element);
}

/** Bold markers become <strong>; fonts, spans and noise links give way to their text. */
function simplifyInline({ root, rules }: CleanPass): void {
  if (rules.strong.length > 0) {
    for (const element of selectElements(root, rules.strong)) {
      element.name = 'strong';
      element.attribs = {};
    }
    mergeAdjacentStrong(root);
  }
  for (const element of selectElements(root, rules.unwrapInline)) unwrap(element);
}

/** `<strong>东方财富</strong><strong>上半年…</strong>` reads as one heading. */
function mergeAdjacentStrong(root: Document): void {
  for (const element of elementsNamed(root, 'strong').reverse()) {
    const next = element.next;
    if (next && isElement(next) && next.name === 'strong') {
      appendNodes(element, [...next.children]);
      removeElement(next);
    }
  }
}

/** Block wrappers go, innermost first; loose text they held becomes paragraphs, never lost. */
function unwrapBlocks({ root, rules }: CleanPass): void {
  for (const wrapper of selectElements(root, rules.unwrapBlock).reverse()) {
    wrapLooseInline(wrapper.children);
    unwrap(wrapper);
  }
  wrapLooseInline(root.children);
}

/** Wraps each run of inline content that has something to read or see into a <p>. */
function wrapLooseInline(children: readonly ChildNode[]): void {
  const runs: ChildNode[][] = [[]];
  for (const child of children) {
    if (isBlockElement(child)) runs.push([]);
    else runs.at(-1)?.push(child);
  }
  for (const run of runs) {
    const [first] = run;
    if (!first || !run.some(hasVisibleContent)) continue;
    const paragraph = createElement('p');
    replaceWith(first, [paragraph]);
    appendNodes(paragraph, run);
  }
}

function hasVisibleContent(node: AnyNode): boolean {
  if (node.type === 'text') return !BLANK.test(node.data);
  return isElement(node) && (node.name === 'img' || node.children.some(hasVisibleContent));
}

/** 责任编辑, 原标题, 来源 paragraphs move into meta; boilerplate paragraphs and link debris go. */
function liftMetadata({ root, rules }: CleanPass): ArticleMeta {
  const meta: ArticleMeta = {};
  const paragraphs = elementsNamed(root, 'p');
  paragraphs.forEach((paragraph, index) => {
    const text = normalizeSpace(textOf(paragraph));
    const atEdge = index < META_EDGE_PARAGRAPHS || index >= paragraphs.length - META_EDGE_PARAGRAPHS;
    const lifted = rules.meta.some((rule) => liftInto(meta, rule, text, atEdge));
    if (lifted || rules.boilerplateText.some((pattern) => pattern.test(text))) removeElement(paragraph);
    else trimTrailingNoise(paragraph, rules.trailingNoise);
  });
  return meta;
}

/** Records the rule's value when the paragraph matches it (the first one found wins). */
function liftInto(meta: ArticleMeta, rule: MetaRule, text: string, atEdge: boolean): boolean {
  if (rule.where === 'edges' && !atEdge) return false;
  const value = rule.pattern.exec(text)?.[1]?.trim();
  if (!value) return false;
  meta[rule.field] ??= stripInvalidXmlChars(value);
  return true;
}

function trimTrailingNoise(paragraph: Element, patterns: readonly RegExp[]): void {
  const last = lastTextNode(paragraph);
  if (!last) return;
  for (const pattern of patterns) last.data = last.data.replace(pattern, '');
}

/** Hrefs become absolute; links that cannot be (anchors, relative without a base) become text. */
function fixLinks(pass: CleanPass): void {
  for (const link of elementsNamed(pass.root, 'a')) {
    const href = (link.attribs.href ?? '').trim();
    if (unsafeScheme(href)) continue; // left for the sanitizer, which removes and reports it
    const absolute = href && !href.startsWith('#') ? resolveUrl(href, pass.baseUrl) : undefined;
    if (absolute && /^(?:https?|mailto):/i.test(absolute)) link.attribs.href = absolute;
    else unwrap(link);
  }
}

/** Site noise attributes (class, id, style, cms-style, data-*…); the sanitizer's allowlist does the rest. */
function dropNoiseAttributes({ root, rules }: CleanPass): void {
  const isNoise = noiseAttributeTest(rules);
  for (const element of allElements(root)) {
    for (const name of Object.keys(element.attribs)) {
      if (isNoise(name)) delete element.attribs[name];
    }
  }
}

const noiseAttributeTests = new WeakMap<SiteRules, (name: string) => boolean>();

/** The rule set's `dropAttributes` as a test, built once per rule set. */
function noiseAttributeTest(rules: SiteRules): (name: string) => boolean {
  let test = noiseAttributeTests.get(rules);
  if (!test) {
    const exact = new Set(rules.dropAttributes.filter((name) => !name.endsWith('*')));
    const prefixes = rules.dropAttributes.filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1));
    test = (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
    noiseAttributeTests.set(rules, test);
  }
  return test;
}

