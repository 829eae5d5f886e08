// The real articles the theme tests group: the five seeds and the rsshub-page posts.
import { fileURLToPath } from 'node:url';
import type { ThemeInput } from '../../src/model.js';
import { readPosts } from './posts.js';

export const SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));
export const RSSHUB_DIR = fileURLToPath(new URL('../../../shared/corpus/rsshub-page/', import.meta.url));
export const THUCNEWS_DIR = fileURLToPath(new URL('../../../shared/corpus/classification/thucnews-titles/', import.meta.url));

/** Seeds as seed000…seed004, posts by the start of their file name: s001…s011, o001, o002. */
export function readRealArticles(): ThemeInput[] {
  return [
    ...readPosts(SEEDS_DIR, ['.txt'], (file) => `seed${file.slice(0, 3)}`),
    ...readPosts(RSSHUB_DIR, ['.md'], (file) => file.split(/[-.]/)[0]!),
  ];
}
