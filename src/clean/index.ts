// The cleaning stage's public face.
export { cleanBody, type CleanInput, type CleanResult } from './clean.js';
export { repairTitle } from './title.js';
export { sanitize, type SanitizeResult } from './sanitize.js';
export { pageMainContent } from './page-content.js';
export { summarize, SUMMARY_MAX_CHARS, type SummaryInput } from './summary.js';
export type { Block, BlockKind } from './blocks.js';
