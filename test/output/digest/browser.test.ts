import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderDigestEmail, renderDigestPage } from '../../../src/output/digest/render.js';
import { SITE_CSS } from '../../../src/output/site/site-css.js';
import { findOverflow, launchBrowser, openPage, type OpenPageOptions, type PageSource } from '../../support/browser.js';
import { bigDigest, RENDER_OPTIONS, sampleDigest } from '../../support/digest-sample.js';
import { lacks, needs } from '../../support/requirements.js';

// The digest e-mail and its web copy laid out by a real browser: nothing may stick out past the
// window's right edge at a desktop mail pane's width or at a phone's.


const BIG_PICTURE = { width: 1600, height: 1000 };

describe.skipIf(lacks(needs.chromium, 'the digest layout in Chromium'))('digest layout in Chromium', () => {
  let browser: Browser;
  // The web copy links the site's stylesheet: it is read from a folder laid out as output/ is.
  let site: string;
  let webCopy: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    site = await mkdtemp(join(tmpdir(), 'zhoukan-web-copy-'));
    await mkdir(join(site, 'digests'));
    await mkdir(join(site, 'assets'));
    await writeFile(join(site, 'assets/site.css'), SITE_CSS);
    webCopy = join(site, 'digests/2022-W20.html');
    await writeFile(webCopy, renderDigestPage(sampleDigest(), RENDER_OPTIONS));
  });
  afterAll(async () => {
    await browser?.close();
    if (site) await rm(site, { recursive: true, force: true });
  });

  async function expectNoOverflow(source: PageSource, options: OpenPageOptions): Promise<void> {
    const opened = await openPage(browser, source, options);
    try {
      const report = await findOverflow(opened.page);
      expect(report.innerWidth).toBe(options.width);
      expect(report.overflowing, `elements past the right edge at ${options.width}px`).toEqual([]);
      expect(report.scrollWidth).toBeLessThanOrEqual(report.innerWidth);
    } finally {
      await opened.close();
    }
  }

  const email = renderDigestEmail(sampleDigest(), RENDER_OPTIONS).html;
  const bigEmail = renderDigestEmail(bigDigest(), RENDER_OPTIONS).html;

  for (const width of [600, 375]) {
    test(`e-mail at ${width}px, images off`, async () => {
      await expectNoOverflow({ html: email }, { width });
    });
    test(`e-mail at ${width}px, large images loaded`, async () => {
      await expectNoOverflow({ html: email }, { width, remoteImages: BIG_PICTURE });
    });
    test(`e-mail at ${width}px, dark scheme`, async () => {
      await expectNoOverflow({ html: email }, { width, colorScheme: 'dark', remoteImages: BIG_PICTURE });
    });
    test(`300-entry e-mail at ${width}px`, async () => {
      await expectNoOverflow({ html: bigEmail }, { width, remoteImages: BIG_PICTURE });
    });
  }

  for (const width of [320, 1440]) {
    test(`web copy at ${width}px`, async () => {
      await expectNoOverflow({ file: webCopy }, { width, remoteImages: BIG_PICTURE });
    });
    test(`web copy at ${width}px, images off`, async () => {
      await expectNoOverflow({ file: webCopy }, { width });
    });
  }

  test('the measure finds what sticks out (a check of the check)', async () => {
    const html = '<!doctype html><body style="margin:0"><p>ok</p><div id="wide" style="width:700px">wide</div></body>';
    const opened = await openPage(browser, { html }, { width: 375 });
    try {
      const report = await findOverflow(opened.page);
      expect(report.overflowing.map((element) => element.element)).toEqual(['div#wide']);
      expect(report.scrollWidth).toBeGreaterThan(375);
    } finally {
      await opened.close();
    }
  });

  test('the thumbnail keeps its width and its alt text when a big picture loads', async () => {
    const opened = await openPage(browser, { html: email }, { width: 375, remoteImages: BIG_PICTURE });
    try {
      const images = await opened.page.$$eval('img', (nodes) =>
        nodes.map((node) => ({ alt: node.getAttribute('alt'), width: node.getBoundingClientRect().width, loaded: (node as unknown as { naturalWidth: number }).naturalWidth })),
      );
      expect(images.length).toBe(4);
      for (const image of images) {
        expect(image.alt).toBeTruthy();
        expect(image.loaded).toBe(BIG_PICTURE.width);
        expect(image.width).toBeLessThanOrEqual(96);
      }
    } finally {
      await opened.close();
    }
  });
});
