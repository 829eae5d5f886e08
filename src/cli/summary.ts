import { relative } from 'node:path';
import type { Config } from '../config.js';
import type { BuildSummary } from '../jobs/build.js';
import type { CollectSummary } from '../jobs/collect.js';
import type { DigestRunSummary } from '../jobs/digest.js';

// The one-line summaries a run prints on stdout.

export function describeDigest(summary: DigestRunSummary, config: Readonly<Config>): string {
  const resumed = summary.resumed ? `finished ${plural(summary.resumed, 'earlier delivery', 'earlier deliveries')}; ` : '';
  if (!summary.digestId) return `${resumed}digest: nothing new since the last digest, nothing sent`;
  const what = `digest ${summary.digestId} (${plural(summary.articles, 'article')} in ${plural(summary.themes, 'theme')}${summary.omitted ? `, ${summary.omitted} older left out` : ''})`;
  const web = summary.webCopy ? `; web copy ${shown(summary.webCopy)}` : '';
  if (summary.outbox) {
    const why = config.smtp ? '--dry-run' : 'no SMTP configured';
    return `${resumed}${what} written to ${shown(summary.outbox)}/ (digest.html, digest.txt, digest.eml), not sent (${why})${web}`;
  }
  const notes = [
    ...(summary.unsubscribed ? [`${summary.unsubscribed} unsubscribed skipped`] : []),
    ...(summary.suppressed ? [`${summary.suppressed} suppressed skipped`] : []),
    ...(summary.nothingFor ? [`nothing for ${summary.nothingFor} among their themes`] : []),
    ...(summary.bounced ? [`${summary.bounced} refused and suppressed`] : []),
    ...(summary.renders > 1 ? [`${summary.renders} e-mails rendered`] : []),
  ];
  return `${resumed}${what} sent to ${summary.delivered}, deferred ${summary.deferred}, failed ${summary.failed}${notes.map((note) => `, ${note}`).join('')}${web}`;
}

/** A path relative to the working folder when it is inside it. */
export function shown(path: string): string {
  const nearby = relative(process.cwd(), path) || '.';
  return nearby.startsWith('..') ? path : nearby;
}

export function describeCollect(summary: CollectSummary): string {
  return [
    `collected ${summary.new} new`,
    `${summary.updated} updated`,
    `${summary.unchanged} unchanged`,
    plural(summary.duplicates, 'duplicate'),
    `${summary.skipped} skipped`,
    ...(summary.deleted ? [`${summary.deleted} deleted`] : []),
    `${plural(summary.failedSources.length, 'failed source')}`,
  ].join(', ');
}

export function describeBuild(summary: BuildSummary, config: Readonly<Config>): string {
  const where = shown(config.output);
  return `built ${plural(summary.pages, 'page')}, 3 feeds and ${plural(summary.themes, 'theme')} from ${plural(summary.articles, 'article')} in ${where}/ (${summary.files.written} written, ${summary.files.unchanged} unchanged)`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
