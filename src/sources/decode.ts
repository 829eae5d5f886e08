import { analyse } from 'chardet';
import iconv from 'iconv-lite';

// Turns the bytes of a post into text. Posts are UTF-8 nearly always; older Chinese sites and
// tools still write GBK/GB18030 or Big5, which must not end up as mojibake.

export interface DecodedText {
  text: string;
  /** The charset the bytes were read as: `utf-8`, `utf-16le`, `utf-16be`, `gb18030` or `big5`. */
  charset: string;
}

/** Created once: a fatal decoder throws on the first byte sequence that is not UTF-8. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Enough bytes for chardet to decide, without scanning a 2 MiB file. */
const DETECTION_SAMPLE_BYTES = 64 * 1024;
/** Bytes looked at when deciding whether a file is binary. */
const BINARY_SAMPLE_BYTES = 8 * 1024;

/**
 * Why the bytes are not text (`NUL bytes`, `mostly control characters`), or undefined when they
 * look like text. A few stray control characters are text: the cleaner strips them later.
 */
export function binaryReason(bytes: Uint8Array): string | undefined {
  if (utf16Charset(bytes)) return undefined;
  if (bytes.indexOf(0) !== -1) return 'NUL bytes';
  const sample = bytes.subarray(0, BINARY_SAMPLE_BYTES);
  let controls = 0;
  // An index loop: for-of over a typed array is several times slower, and this runs on every file.
  for (let index = 0; index < sample.length; index += 1) if (isControlByte(sample[index] as number)) controls += 1;
  return sample.length > 0 && controls / sample.length > 0.1 ? 'mostly control characters' : undefined;
}

/** Decodes UTF-8 (with or without BOM), UTF-16 with BOM, and else GB18030 or Big5 as chardet suggests. */
export function decodeText(bytes: Uint8Array): DecodedText {
  const utf16 = utf16Charset(bytes);
  if (utf16) return { text: iconv.decode(bytes, utf16), charset: utf16 };
  try {
    return { text: STRICT_UTF8.decode(bytes), charset: 'utf-8' };
  } catch {
    // Not UTF-8: fall through to the legacy Chinese charsets.
  }
  const charset = detectChineseCharset(bytes);
  return { text: iconv.decode(bytes, charset), charset };
}

/**
 * GB18030 (a superset of GB2312 and GBK) or Big5, whichever chardet rates higher. Detection is
 * restricted to these two: a post that is not UTF-8 is a Chinese post from an old tool, and on
 * short texts chardet's overall favourite is often a Latin charset.
 */
export function detectChineseCharset(bytes: Uint8Array): 'gb18030' | 'big5' {
  const matches = analyse(bytes.subarray(0, DETECTION_SAMPLE_BYTES));
  const confidence = (pattern: RegExp) =>
    Math.max(0, ...matches.filter((match) => pattern.test(match.name)).map((match) => match.confidence));
  return confidence(/^big5/i) > confidence(/^(gb|euc-cn)/i) ? 'big5' : 'gb18030';
}

function utf16Charset(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** C0 controls other than tab, line feed, form feed and carriage return. */
function isControlByte(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d;
}
