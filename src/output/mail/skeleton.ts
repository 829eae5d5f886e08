// A message composed once for every reader of the same e-mail, with stand-ins where each reader's
// own parts go: the To, Message-ID and List-Unsubscribe fields and the two base64 bodies. Filling
// it writes those parts in, folded and encoded as the composer writes them, so a message per reader
// costs a base64 pass and one copy instead of a MIME composition.

/** The header fields that differ from reader to reader. */
export type ReaderField = 'To' | 'Message-ID' | 'List-Unsubscribe';

export interface ReaderParts {
  /** Unfolded values, 7-bit (the caller checks: see mail.ts). */
  fields: Record<ReaderField, string>;
  text: string;
  html: string;
}

export interface MessageSkeleton {
  fill(parts: ReaderParts): Buffer;
}

const READER_FIELDS: readonly ReaderField[] = ['To', 'Message-ID', 'List-Unsubscribe'];

/** base64 bodies are written in lines of 76 characters (RFC 2045 §6.8). */
const BASE64_LINE = 76;
const CRLF = Buffer.from('\r\n');

type Slot = { kind: 'field'; name: ReaderField } | { kind: 'body'; part: 'text' | 'html' };

/**
 * Reads the skeleton composed with the tokens as the text and HTML bodies (each a base64 body of one
 * short line, so its encoding is found whole) and any values in the reader's fields. `fold` is
 * the composer's own folding of a header line.
 */
export function parseSkeleton(raw: Buffer, tokens: { text: string; html: string }, fold: (line: string) => string): MessageSkeleton {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) throw new Error('the message skeleton has no end of header');
  const header = raw.toString('latin1', 0, headerEnd);
  const found: { start: number; end: number; slot: Slot }[] = [];
  for (const name of READER_FIELDS) {
    // The whole field: its first line and the folded lines after it.
    const pattern = new RegExp(`(?:^|\\r\\n)(${name}:[^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*)`, 'gi');
    const matches = [...header.matchAll(pattern)];
    if (matches.length !== 1) throw new Error(`the message skeleton has ${matches.length} ${name} fields, not one`);
    const match = matches[0] as RegExpMatchArray;
    const start = (match.index ?? 0) + match[0].length - (match[1] as string).length;
    found.push({ start, end: start + (match[1] as string).length, slot: { kind: 'field', name } });
  }
  for (const part of ['text', 'html'] as const) {
    const encoded = Buffer.from(tokens[part]).toString('base64');
    if (encoded.length > BASE64_LINE || encoded.endsWith('=')) throw new Error(`the ${part} stand-in must encode to one line without padding`);
    const start = raw.indexOf(encoded, headerEnd);
    if (start === -1 || raw.indexOf(encoded, start + 1) !== -1) throw new Error(`the message skeleton holds the ${part} stand-in ${start === -1 ? 'nowhere' : 'twice'}`);
    found.push({ start, end: start + encoded.length, slot: { kind: 'body', part } });
  }
  found.sort((a, b) => a.start - b.start);

  // The fixed pieces between the slots: pieces[i] comes before slots[i], the last one after them all.
  const pieces: Buffer[] = [];
  let at = 0;
  for (const { start, end } of found) {
    pieces.push(Buffer.from(raw.subarray(at, start)));
    at = end;
  }
  pieces.push(Buffer.from(raw.subarray(at)));
  const slots = found.map((entry) => entry.slot);

  return {
    fill(parts) {
      const values = slots.map((slot) =>
        slot.kind === 'field' ? Buffer.from(fold(`${slot.name}: ${parts.fields[slot.name]}`), 'latin1') : Buffer.from(parts[slot.part], 'utf8'),
      );
      let size = pieces.reduce((sum, piece) => sum + piece.length, 0);
      slots.forEach((slot, index) => {
        const value = values[index] as Buffer;
        size += slot.kind === 'field' ? value.length : base64LinesLength(value.length);
      });
      const message = Buffer.allocUnsafe(size);
      let offset = 0;
      slots.forEach((slot, index) => {
        offset += (pieces[index] as Buffer).copy(message, offset);
        const value = values[index] as Buffer;
        offset = slot.kind === 'field' ? offset + value.copy(message, offset) : writeBase64Lines(value, message, offset);
      });
      offset += (pieces[slots.length] as Buffer).copy(message, offset);
      if (offset !== size) throw new Error(`filling the message skeleton wrote ${offset} bytes of ${size}`);
      return message;
    },
  };
}

function base64LinesLength(bytes: number): number {
  const encoded = Math.ceil(bytes / 3) * 4;
  return encoded + CRLF.length * Math.max(0, Math.ceil(encoded / BASE64_LINE) - 1);
}

/** The bytes in base64, lines of 76 characters joined by CRLF (none after the last); returns the new offset. */
function writeBase64Lines(bytes: Buffer, target: Buffer, offset: number): number {
  const encoded = Buffer.from(bytes.toString('base64'), 'latin1');
  let at = offset;
  for (let start = 0; start < encoded.length; start += BASE64_LINE) {
    if (start > 0) at += CRLF.copy(target, at);
    at += encoded.copy(target, at, start, Math.min(start + BASE64_LINE, encoded.length));
  }
  return at;
}
