import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { asBuffer, detectChineseCharset, signatureCharset, undeclaredCharset } from './decode.js';

// Bytes of a fetched feed → text. The charset comes from (in order) a byte order mark, the HTTP
// Content-Type, the XML declaration, an HTML <meta charset>; GB2312 and GBK labels are read as
// GB18030 because real "GB2312" feeds contain GBK and GB18030 characters. The bytes have the last
// word: a UTF-8 label on bytes that are not UTF-8 is a mistake of the server or the feed's author,
// and such bytes, like undeclared ones, are read by the one rule of decode.ts.

export type CharsetSource = 'bom' | 'http' | 'xml-declaration' | 'meta' | 'detected' | 'default';

export interface DecodedFeed {
  /** The text, without byte order mark and without whitespace before the first `<` or `{`. */
  text: string;
  /** The iconv-lite name the bytes were decoded with, e.g. `utf-8`, `gb18030`, `big5hkscs`. */
  charset: string;
  /** Where the charset came from. */
  charsetFrom: CharsetSource;
  /** Set when the declared charset did not fit the bytes: what was declared and what was done. */
  warning?: string;
}

/** Bytes searched for an XML declaration or a meta tag; both must be near the top. */
const PROLOG_BYTES = 4096;
/**
 * Bytes labelled UTF-8 that fail to decode are still UTF-8, damaged here and there, when at most
 * this share of their non-ASCII characters come out as U+FFFD; text in another charset read as
 * UTF-8 comes out as U+FFFD nearly throughout (GBK: two in three characters or more).
 */
const DAMAGED_UTF8_MAX_SHARE = 0.05;

/**
 * Labels as declared → the decoder to use. Follows the WHATWG Encoding Standard where it widens a
 * legacy label to its superset (GB2312/GBK → GB18030, Latin-1 → windows-1252, Big5 → HKSCS).
 */
const SUPERSETS: Record<string, string> = {
  gb2312: 'gb18030',
  gb_2312: 'gb18030',
  'gb_2312-80': 'gb18030',
  csgb2312: 'gb18030',
  chinese: 'gb18030',
  'iso-ir-58': 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  ms936: 'gb18030',
  'windows-936': 'gb18030',
  'euc-cn': 'gb18030',
  'x-euc-cn': 'gb18030',
  hz: 'gb18030',
  big5: 'big5hkscs',
  'big5-hkscs': 'big5hkscs',
  'cn-big5': 'big5hkscs',
  'x-x-big5': 'big5hkscs',
  csbig5: 'big5hkscs',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
};

/**
 * Charsets a misconfigured server sends by default (Apache's AddDefaultCharset, frameworks that
 * label everything UTF-8). When the document declares another charset itself, the declaration is
 * the author's word and the header is not.
 */
const DEFAULT_HTTP_CHARSETS = new Set(['windows-1252']);

/** Decodes a feed body; `contentType` is the HTTP Content-Type header, when there was one. */
export function decodeFeed(bytes: Uint8Array, contentType?: string): DecodedFeed {
  const bom = signatureCharset(bytes);
  if (bom) return finish(iconv.decode(asBuffer(bytes.subarray(bom.length)), bom.charset), bom.charset, 'bom');

  const prolog = asBuffer(bytes.subarray(0, PROLOG_BYTES)).toString('latin1');
  const labels: Labels = {
    http: normalizeCharset(charsetOfContentType(contentType)),
    'xml-declaration': normalizeCharset(xmlDeclarationEncoding(prolog)),
    meta: normalizeCharset(metaCharset(prolog)),
  };
  const chosen = chooseLabel(bytes, labels);
  if (!chosen) return decodeUndeclared(bytes);
  if (chosen.charset === 'utf-8' && !isUtf8(bytes)) return decodeNotUtf8(bytes, chosen.from, labels);
  return finish(iconv.decode(asBuffer(bytes), chosen.charset), chosen.charset, chosen.from);
}

type Labels = Record<'http' | 'xml-declaration' | 'meta', string | undefined>;

/**
 * The header's charset, unless the document declares another one and the header looks like a
 * server default; then the XML declaration; then a meta tag.
 */
function chooseLabel(bytes: Uint8Array, labels: Labels): { charset: string; from: CharsetSource } | undefined {
  const { http, 'xml-declaration': declared, meta } = labels;
  if (http && !(declared && declared !== http && httpCharsetLooksWrong(http, bytes))) return { charset: http, from: 'http' };
  if (declared) return { charset: declared, from: 'xml-declaration' };
  if (meta) return { charset: meta, from: 'meta' };
  return undefined;
}

const LABEL_NAMES: Labels = { http: 'HTTP header', 'xml-declaration': 'XML declaration', meta: 'meta tag' };

/**
 * Bytes declared UTF-8 that are not: kept as UTF-8 when only a few sequences are broken (each one
 * becomes U+FFFD), else read as GB18030 or Big5 by the rule of decode.ts, with a warning either way.
 */
function decodeNotUtf8(bytes: Uint8Array, from: CharsetSource, labels: Labels): DecodedFeed {
  const sayUtf8 = (Object.keys(labels) as (keyof Labels)[]).filter((source) => labels[source] === 'utf-8');
  const declared = `declared UTF-8 (${sayUtf8.map((source) => LABEL_NAMES[source]).join(' and ')})`;
  const asUtf8 = asBuffer(bytes).toString('utf8');
  const broken = countReplacements(asUtf8);
  if (broken <= DAMAGED_UTF8_MAX_SHARE * countNonAscii(asUtf8)) {
    const sequences = broken === 1 ? '1 byte sequence that is not UTF-8' : `${broken} byte sequences that are not UTF-8`;
    return { ...finish(asUtf8, 'utf-8', from), warning: `${declared} but has ${sequences}; each reads as U+FFFD` };
  }
  const charset = detectChineseCharset(bytes);
  return {
    ...finish(iconv.decode(asBuffer(bytes), charset), charset, 'detected'),
    warning: `${declared} but the bytes are not UTF-8; read as ${charset.toUpperCase()}, the charset they look like`,
  };
}

function countReplacements(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\ufffd'); at !== -1; at = text.indexOf('\ufffd', at + 1)) count += 1;
  return count;
}

function countNonAscii(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) count += 1;
  return count;
}

/** The `charset` parameter of a Content-Type header, unquoted. */
export function charsetOfContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return match?.[2];
}

/**
 * A declared label → an iconv-lite decoder name, widened to its superset; undefined for labels
 * iconv-lite does not know (the next source of a charset is then tried).
 */
export function normalizeCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const name = label.trim().toLowerCase();
  const charset = SUPERSETS[name] ?? name;
  return iconv.encodingExists(charset) ? charset : undefined;
}

/** The encoding named by `<?xml … encoding="…"?>`, allowing whitespace before it. */
function xmlDeclarationEncoding(prolog: string): string | undefined {
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/.exec(prolog);
  return match?.[1];
}

/** `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`. */
function metaCharset(prolog: string): string | undefined {
  for (const match of prolog.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = match[0];
    const direct = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(tag);
    if (direct) return direct[1];
  }
  return undefined;
}

/** A UTF-8 label on bytes that are not UTF-8, or a server-default Latin-1 label. */
function httpCharsetLooksWrong(http: string, bytes: Uint8Array): boolean {
  if (DEFAULT_HTTP_CHARSETS.has(http)) return true;
  return http === 'utf-8' && !isUtf8(bytes);
}

/**
 * No charset named anywhere: XML says UTF-8. Bytes that are not UTF-8 are read by the rule posts
 * follow too (decode.ts): GB18030 or Big5, whichever they look like.
 */
function decodeUndeclared(bytes: Uint8Array): DecodedFeed {
  const charset = undeclaredCharset(bytes);
  return finish(iconv.decode(asBuffer(bytes), charset), charset, charset === 'utf-8' ? 'default' : 'detected');
}

/** Drops a decoded BOM and the whitespace some servers print before `<?xml`, which XML parsers reject. */
function finish(text: string, charset: string, charsetFrom: CharsetSource): DecodedFeed {
  return { text: text.replace(/^[\uFEFF\s]+/, ''), charset, charsetFrom };
}
