/**
 * A real headless browser (Debian's Chromium driven by playwright-core) for end-to-end checks of the
 * dashboard. The flags keep Chromium off the network it cannot reach on a machine without internet.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';
import { METRICS } from '../common/contract';
import { Check } from './prerequisites';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumCheck: Check = () => (existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

/** Headless Chromium with a fresh profile directory, as a persistent context (one per call). */
export function launchChromium(viewport = { width: 1440, height: 1000 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens the page, waits until it shows every board and each board's table has rows, saves a full-page screenshot and returns
 * the number of boards with rows.
 */
export async function screenshot(url: string, file: string, timeoutMs = 60_000): Promise<number> {
  const context = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(
      (boards) => {
        const tables = Array.from(document.querySelectorAll('table'));
        return tables.length >= boards && tables.every((t) => t.querySelectorAll('tbody tr').length > 0);
      },
      METRICS.length,
      { timeout: timeoutMs },
    );
    await page.screenshot({ path: file, fullPage: true });
    return await page.evaluate(() => Array.from(document.querySelectorAll('table')).filter((t) => t.querySelectorAll('tbody tr').length > 0).length);
  } finally {
    await context.close();
  }
}
