import { domainToASCII } from 'node:url';
import { isEmailAddress } from '../util/email.js';
import { normalizeAddress } from '../store/address.js';

// What the signup form and the operator's commands accept as an address, and the one form it is
// kept in. Stricter than isEmailAddress (which checks the config's recipients), because these come
// from strangers and end up in an SMTP envelope and a To header: a comma or a quote there would
// address a second person, a line break would add a header.

/** RFC 5321's limits: 254 octets for a path's address, 64 for the local part, 63 per domain label. */
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
/** RFC 5322 dot-atom: no quoted local parts, no comments, no spaces. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/u;

export type AddressCheck = { address: string } | { problem: string };

/**
 * The address, normalised (lower case; an internationalised domain in its ASCII form, xn--…), or
 * why it cannot be used. Refused: anything but one local@domain, a quoted or non-ASCII local part
 * (SMTPUTF8 is not assumed of the mail server), an IP literal, a domain without a dot, overlong parts.
 */
export function checkAddress(input: string): AddressCheck {
  const text = input.trim();
  if (text.length === 0) return { problem: 'no address given' };
  if (text.length > MAX_ADDRESS * 4) return { problem: 'too long' };
  if (/[\u0000-\u0020\u007f]/u.test(text)) return { problem: 'contains spaces or control characters' };
  if (!isEmailAddress(text)) return { problem: 'not one address of the form name@example.org' };
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domainText = text.slice(at + 1);
  // Legal, but a spreadsheet opening `subscribers export` would take the cell for a formula.
  if (/^[=+\-@]/u.test(local)) return { problem: 'may not start with =, +, - or @' };
  if (!LOCAL_PART.test(local)) return { problem: 'the part before @ may hold only ASCII letters, digits, dots and !#$%&\'*+/=?^_`{|}~-' };
  if (local.length > MAX_LOCAL) return { problem: `the part before @ is longer than ${MAX_LOCAL} characters` };
  if (domainText.startsWith('[')) return { problem: 'IP address literals are not accepted' };
  const domain = domainToASCII(domainText.replace(/\.$/u, '')).toLowerCase();
  if (!domain) return { problem: 'the domain is not a valid domain name' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^\d+$/u.test(labels.at(-1) ?? '')) {
    return { problem: 'the domain is not a valid domain name' };
  }
  const address = normalizeAddress(`${local}@${domain}`);
  if (address.length > MAX_ADDRESS) return { problem: `longer than ${MAX_ADDRESS} characters` };
  return { address };
}
