import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). No browser is downloaded. */
export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

export interface HeadlessChromium {
  readonly browser: BrowserContext;
  close(): Promise<void>;
}

/** A headless chromium with a throwaway profile, quiet: no first-run, sync or background requests. */
export async function launchChromium(name: string): Promise<HeadlessChromium> {
  const profile = mkdtempSync(path.join(tmpdir(), `${name}-chromium-`));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a document of the service's own origin, under its pages' policy (`connect-src 'self'`), for
 * a page script that calls the service as the deployed web client would. A stylesheet of the API
 * reference's, not the reference itself: Swagger UI renders the whole API once loaded, which held
 * each script run after it for about 5 s on a two-core machine.
 */
export async function openServiceOrigin(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/docs/static/index.css`);
}

/**
 * Waits until an antd dialog or popconfirm has opened: shown, and done zooming in (its
 * `ant-zoom-*` classes gone). A click on its button while it zooms is lost now and then on a loaded machine: CI runs
 * found a dialog still open 30 s after its confirm was clicked, its first sighting
 * `ant-zoom-appear-active`.
 */
export async function dialogOpened(dialog: Locator): Promise<void> {
  await dialog.waitFor();
  await expect.poll(async () => (await dialog.getAttribute('class')) ?? '').not.toMatch(/\bant-zoom/);
}
