/**
 * A real headless browser (Debian's Chromium driven by playwright-core) for end-to-end checks of the
 * dashboard. The flags keep Chromium off the network it cannot reach on a machine without internet.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { Check } from './prerequisites';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumCheck: Check = () => (existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
    ],
  });
}

/**
 * Opens the page, waits until every board's table has rows, saves a full-page screenshot and returns
 * the number of boards with rows.
 */
export async function screenshot(url: string, file: string, timeoutMs = 60_000): Promise<number> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(
      () => {
        const tables = Array.from(document.querySelectorAll('table'));
        return tables.length >= 4 && tables.every((t) => t.querySelectorAll('tbody tr').length > 0);
      },
      undefined,
      { timeout: timeoutMs },
    );
    await page.screenshot({ path: file, fullPage: true });
    return await page.evaluate(() => Array.from(document.querySelectorAll('table')).filter((t) => t.querySelectorAll('tbody tr').length > 0).length);
  } finally {
    await browser.close();
  }
}
