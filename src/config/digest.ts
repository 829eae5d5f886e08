import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DigestSettings } from './types.js';
import { DEFAULT_TAXONOMY } from '../themes/default-taxonomy.js';
import { validateTaxonomy, type Taxonomy } from '../themes/taxonomy.js';
import { isEmailAddress } from '../util/email.js';
import { numberAt, removeUnsafeKeys, stringAt } from './fields.js';

// The digest: who gets it and the themes it is grouped by (how it is sent: smtp.ts).


export function readDigest(
  from: Record<string, unknown>,
  defaults: Pick<DigestSettings, 'from' | 'maxArticles' | 'entriesPerTheme' | 'softBounceLimit'>,
  problems: string[],
): DigestSettings {
  const recipients: string[] = [];
  const listed = from.recipients ?? [];
  if (!Array.isArray(listed)) problems.push('digest.recipients: must be a list of e-mail addresses');
  else {
    listed.forEach((entry, index) => {
      if (typeof entry === 'string' && isEmailAddress(entry.trim())) recipients.push(entry.trim());
      else problems.push(`digest.recipients[${index}]: ${JSON.stringify(entry)} is not an e-mail address`);
    });
  }
  const sender = stringAt(from, 'digest.from', problems) ?? defaults.from;
  const senderAddress = /<([^>]+)>\s*$/u.exec(sender)?.[1] ?? sender;
  if (!isEmailAddress(senderAddress)) problems.push(`digest.from: "${sender}" has no e-mail address (e.g. "周刊 <digest@example.org>")`);
  const unsubscribeMailto = stringAt(from, 'digest.unsubscribeMailto', problems) ?? senderAddress;
  if (!isEmailAddress(unsubscribeMailto)) problems.push(`digest.unsubscribeMailto: "${unsubscribeMailto}" is not an e-mail address`);
  const whole = (key: 'maxArticles' | 'entriesPerTheme' | 'softBounceLimit', max: number) => {
    const value = numberAt(from, `digest.${key}`, problems) ?? defaults[key];
    if (!Number.isInteger(value) || value < 1 || value > max) problems.push(`digest.${key}: must be a whole number from 1 to ${max}, got ${value}`);
    return value;
  };
  const doubleOptIn = from.doubleOptIn ?? true;
  if (typeof doubleOptIn !== 'boolean') problems.push(`digest.doubleOptIn: must be true or false, got ${JSON.stringify(doubleOptIn)}`);
  return {
    recipients,
    from: sender,
    unsubscribeMailto,
    maxArticles: whole('maxArticles', 1000),
    entriesPerTheme: whole('entriesPerTheme', 50),
    doubleOptIn: doubleOptIn !== false,
    softBounceLimit: whole('softBounceLimit', 100),
  };
}

/**
 * The digest's themes: the default taxonomy, one given inline or in a JSON file, or `false` for
 * clustering alone.
 */
export function readTaxonomy(value: unknown, fileDir: string, problems: string[]): Taxonomy | undefined {
  if (value === undefined) return DEFAULT_TAXONOMY;
  if (value === false) return undefined;
  let data = value;
  let where = 'taxonomy';
  if (typeof value === 'string') {
    where = resolve(fileDir, value);
    try {
      data = JSON.parse(readFileSync(where, 'utf8'));
    } catch (error) {
      problems.push(`taxonomy: cannot read ${where}: ${(error as Error).message}`);
      return DEFAULT_TAXONOMY;
    }
    removeUnsafeKeys(data, where, '', problems);
  }
  const { taxonomy, problems: found } = validateTaxonomy(data);
  problems.push(...found.map((problem) => `${where}: ${problem}`));
  return taxonomy ?? DEFAULT_TAXONOMY;
}
