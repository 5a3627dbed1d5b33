/**
 * The page's files: read from `public/` next to the running script in a built image, or bundled from
 * source in memory when the service runs with ts-node (local use and tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_FILES, PageAssets, buildPage } from './bundle';

export async function loadPageAssets(): Promise<PageAssets> {
  const prebuilt = join(__dirname, 'public');
  if (!existsSync(join(prebuilt, 'index.html'))) return buildPage();
  const assets = {} as PageAssets;
  for (const file of PAGE_FILES) assets[file] = readFileSync(join(prebuilt, file));
  return assets;
}
