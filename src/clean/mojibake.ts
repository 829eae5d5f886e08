// Text a publisher's software broke in two well-known ways, put back as it was written:
// - UTF-8 read as Windows-1252 or Latin-1 and encoded again (`â€¦` for `…`, `ä¸­æ–‡` for `中文`);
// - Windows-1252 punctuation passed through as C1 control characters (U+0092 for `’`).
// Both are what the Universal Feed Parser repairs too. Only whole UTF-8 sequences are put back,
// so text that merely contains `Ã` or `â` is left as it is.

/** Windows-1252's characters for the bytes 0x80–0x9F (undefined bytes have none). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** The byte each character stands for when UTF-8 was read as Windows-1252 or Latin-1. */
const BYTE_OF = new Map<string, number>();
for (let byte = 0x80; byte <= 0xff; byte += 1) BYTE_OF.set(String.fromCharCode(byte), byte);
for (let index = 0; index < CP1252_HIGH.length; index += 1) BYTE_OF.set(CP1252_HIGH[index] as string, 0x80 + index);

/** A character standing for a UTF-8 continuation byte (0x80–0xBF). */
const CONTINUATION = `[\\u0080-\\u00bf${[...CP1252_HIGH].filter((char) => char > '\u00ff').join('')}]`;
/** A UTF-8 lead byte and its continuation bytes, as characters. */
const SEQUENCE = new RegExp(`[\\u00c2-\\u00df]${CONTINUATION}|[\\u00e0-\\u00ef]${CONTINUATION}{2}|[\\u00f0-\\u00f4]${CONTINUATION}{3}`, 'gu');
/** What either kind of damage needs; most texts have neither, and are returned at once. */
const MAYBE_DAMAGED = new RegExp(`[\\u0080-\\u009f]|[\\u00c2-\\u00f4]${CONTINUATION}`, 'u');
const C1_CONTROL = /[\u0080-\u009f]/gu;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text with double-encoded UTF-8 and C1 stand-ins for Windows-1252 punctuation put right. */
export function repairMojibake(text: string): string {
  if (!MAYBE_DAMAGED.test(text)) return text;
  return text.replace(SEQUENCE, decodeSequence).replace(C1_CONTROL, (char) => {
    const replacement = CP1252_HIGH[char.charCodeAt(0) - 0x80] as string;
    // Bytes Windows-1252 leaves undefined have no meaning to restore.
    return replacement === char ? '' : replacement;
  });
}

function decodeSequence(sequence: string): string {
  const bytes = Uint8Array.from([...sequence], (char) => BYTE_OF.get(char) ?? 0);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not UTF-8 after all (`Ã` and a symbol, in a text that means them): left as written.
    return sequence;
  }
}
