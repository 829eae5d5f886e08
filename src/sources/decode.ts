import { isUtf8 } from 'node:buffer';
import { analyse } from 'chardet';
import iconv from 'iconv-lite';

// Bytes whose charset nobody declared, or declared wrongly, → text: the one rule for posts and
// feeds alike. A byte order mark, or `<` as the first character in UTF-16 or UTF-32, decides; else
// UTF-8 when the bytes are UTF-8; else GB18030 or Big5, as chardet rates them. Posts are UTF-8
// nearly always; older Chinese sites and tools still write GBK/GB18030 or Big5, which must not
// end up as mojibake. (Feeds read their declared labels first: feed-charset.ts.)

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
  // UTF-16 and UTF-32 text is full of NUL bytes.
  if (signatureCharset(bytes)?.charset.startsWith('utf-')) return undefined;
  if (bytes.indexOf(0) !== -1) return 'NUL bytes';
  const sample = bytes.subarray(0, BINARY_SAMPLE_BYTES);
  let controls = 0;
  // An index loop: for-of over a typed array is several times slower, and this runs on every file.
  for (let index = 0; index < sample.length; index += 1) if (isControlByte(sample[index] as number)) controls += 1;
  return sample.length > 0 && controls / sample.length > 0.1 ? 'mostly control characters' : undefined;
}

/** Decodes bytes by their signature, else as UTF-8 when they are, else as GB18030 or Big5 as chardet suggests. */
export function decodeText(bytes: Uint8Array): DecodedText {
  const signature = signatureCharset(bytes);
  if (signature) return { text: iconv.decode(asBuffer(bytes.subarray(signature.length)), signature.charset), charset: signature.charset };
  try {
    return { text: STRICT_UTF8.decode(bytes), charset: 'utf-8' };
  } catch {
    // Not UTF-8: fall through to the legacy Chinese charsets.
  }
  const charset = detectChineseCharset(bytes);
  return { text: iconv.decode(asBuffer(bytes), charset), charset };
}

/** The charset of bytes nobody declared: UTF-8 when they are UTF-8, else GB18030 or Big5. */
export function undeclaredCharset(bytes: Uint8Array): 'utf-8' | 'gb18030' | 'big5' {
  return isUtf8(bytes) ? 'utf-8' : detectChineseCharset(bytes);
}

/**
 * A byte order mark, or the first character `<` in UTF-16 or UTF-32 without one (XML 1.0,
 * appendix F): no ASCII-compatible label could be read from those bytes anyway.
 */
export function signatureCharset(bytes: Uint8Array): { charset: string; length: number } | undefined {
  const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (starts(0x00, 0x00, 0xfe, 0xff)) return { charset: 'utf-32be', length: 4 };
  if (starts(0xff, 0xfe, 0x00, 0x00)) return { charset: 'utf-32le', length: 4 };
  if (starts(0x00, 0x00, 0x00, 0x3c)) return { charset: 'utf-32be', length: 0 };
  if (starts(0x3c, 0x00, 0x00, 0x00)) return { charset: 'utf-32le', length: 0 };
  if (starts(0x00, 0x3c, 0x00, 0x3f)) return { charset: 'utf-16be', length: 0 };
  if (starts(0x3c, 0x00, 0x3f, 0x00)) return { charset: 'utf-16le', length: 0 };
  if (starts(0xef, 0xbb, 0xbf)) return { charset: 'utf-8', length: 3 };
  if (starts(0xff, 0xfe)) return { charset: 'utf-16le', length: 2 };
  if (starts(0xfe, 0xff)) return { charset: 'utf-16be', length: 2 };
  if (starts(0x84, 0x31, 0x95, 0x33)) return { charset: 'gb18030', length: 4 };
  return undefined;
}

/** The same bytes as a Buffer, without copying them (a feed can be megabytes). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

/** C0 controls other than tab, line feed, form feed and carriage return. */
function isControlByte(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d;
}
