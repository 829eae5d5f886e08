import { createRequire } from 'node:module';

/**
 * Loads a CommonJS package with require(). Imported from an ES module instead, its source is first
 * scanned for export names, and for a package the size of jieba or nodemailer that scan runs hot
 * enough for V8 to compile the scanner with its optimizing compiler: about 0.1 s of CPU on every
 * thread that loads one.
 */
export const requireCommonJs = createRequire(import.meta.url);
