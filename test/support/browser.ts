import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './requirements.js';

// Headless Chromium for layout tests: Debian's /usr/bin/chromium driven by playwright-core (no
// browser download). Pages get nothing from the network: every request that is not file:, data: or
// to the one loopback server a test names is aborted, or, for images, answered with a local
// placeholder of a chosen size.


/** `extraArgs` such as `--disable-features=XSLT`, which shows today what browsers will do without XSLT. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

export type PageSource = { html: string } | { file: string } | { url: string };

export interface OpenPageOptions {
  width: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /**
   * Remote images: blocked (the default, like a mail client with images off: alt text shows), or
   * answered with a local placeholder of this intrinsic size (to test how big pictures are fitted).
   */
  remoteImages?: 'blocked' | { width: number; height: number };
  /** Origin of a local server (`http://127.0.0.1:1234`) whose requests go through. */
  allowOrigin?: string;
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, from the first request on (each with the page's URL). */
  errors: string[];
  /** Closes the page's context and removes any temporary file. */
  close(): Promise<void>;
}

/** Opens HTML (written to a temporary file), a file or a URL in a fresh context of that size. */
export async function openPage(browser: Browser, source: PageSource, options: OpenPageOptions): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  await page.route('**/*', async (route) => {
    const request = route.request();
    const url = request.url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    if (options.allowOrigin && new URL(url).origin === options.allowOrigin) return route.continue();
    const size = options.remoteImages;
    if (request.resourceType() === 'image' && size && size !== 'blocked') {
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: placeholderSvg(size.width, size.height) });
    }
    return route.abort('blockedbyclient');
  });

  let tempDir: string | undefined;
  let target: string;
  if ('html' in source) {
    tempDir = await mkdtemp(join(tmpdir(), 'zhoukan-browser-'));
    const file = join(tempDir, 'page.html');
    await writeFile(file, source.html);
    target = pathToFileURL(file).href;
  } else {
    target = 'file' in source ? pathToFileURL(source.file).href : source.url;
  }
  await page.goto(target, { waitUntil: 'load' });
  return {
    page,
    errors,
    async close() {
      await context.close();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

function placeholderSvg(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#8a9bb0"/></svg>`;
}

export interface OverflowingElement {
  /** tag#id.class path, for the failure message. */
  element: string;
  right: number;
  width: number;
  text: string;
}

export interface OverflowReport {
  innerWidth: number;
  /** The document's scroll width: above innerWidth means the page scrolls sideways. */
  scrollWidth: number;
  /** Elements whose box reaches past the window's right edge (not counting those inside a scroll container). */
  overflowing: OverflowingElement[];
}

/** What the measuring code uses of the page's DOM (the test build has no DOM types). */
interface PageElement {
  tagName: string;
  id: string;
  classList: Iterable<string>;
  parentElement: PageElement | null;
  textContent: string | null;
  getBoundingClientRect(): { right: number; width: number; height: number };
}

interface PageWindow {
  innerWidth: number;
  document: { body: PageElement & { querySelectorAll(selector: string): Iterable<PageElement> }; documentElement: { scrollWidth: number } };
  getComputedStyle(element: PageElement): { overflowX: string };
}

/** Measures every element of the page against the window's width. */
export async function findOverflow(page: Page): Promise<OverflowReport> {
  return page.evaluate(() => {
    const view = globalThis as unknown as PageWindow;
    const body = view.document.body;
    const innerWidth = view.innerWidth;
    const describe = (element: PageElement): string => {
      const parts: string[] = [];
      for (let node: PageElement | null = element; node && node !== body && parts.length < 4; node = node.parentElement) {
        const classes = [...node.classList].map((name) => `.${name}`).join('');
        parts.unshift(`${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${classes}`);
      }
      return parts.join(' > ');
    };
    const insideScrollContainer = (element: PageElement): boolean => {
      for (let node = element.parentElement; node && node !== body; node = node.parentElement) {
        if (['auto', 'scroll', 'hidden', 'clip'].includes(view.getComputedStyle(node).overflowX)) return true;
      }
      return false;
    };
    const overflowing: OverflowingElement[] = [];
    for (const element of body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right <= innerWidth + 0.5 || insideScrollContainer(element)) continue;
      overflowing.push({
        element: describe(element),
        right: Math.round(box.right * 10) / 10,
        width: Math.round(box.width * 10) / 10,
        text: (element.textContent ?? '').trim().slice(0, 40),
      });
    }
    return { innerWidth, scrollWidth: view.document.documentElement.scrollWidth, overflowing };
  });
}
