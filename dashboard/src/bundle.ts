/**
 * esbuild bundles: the browser page (script with chart.js, stylesheet, HTML shell) and the server as one
 * file for Node 18 (the oldest Node a container base may carry). Used by the image build step
 * (scripts/build-images.ts) and, when the service runs from source, to build the page in memory at start.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { bundleNodeService } from '../../common/node-bundle';

export interface PageAssets {
  'index.html': Buffer;
  'app.js': Buffer;
  'style.css': Buffer;
}

export const PAGE_FILES = ['index.html', 'app.js', 'style.css'] as const;

const pageDir = join(__dirname, 'page');

function pageBuildOptions(): BuildOptions {
  return {
    entryPoints: [join(pageDir, 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

export async function buildPage(): Promise<PageAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ ...pageBuildOptions(), write: false });
  return {
    'index.html': readFileSync(join(pageDir, 'index.html')),
    'app.js': Buffer.from(result.outputFiles[0].contents),
    'style.css': readFileSync(join(pageDir, 'style.css')),
  };
}

export async function buildServer(outfile: string): Promise<void> {
  // pg-native is an optional alternative driver that pg loads only on request; esbuild is needed only
  // to build the page from source, never in a built image.
  await bundleNodeService(join(__dirname, 'cli.ts'), outfile, { external: ['pg-native', 'esbuild'] });
}

/** The files of the image's build context besides the Dockerfile: server.js and public/. */
export async function writeBuildContext(dir: string): Promise<void> {
  await buildServer(join(dir, 'server.js'));
  const page = await buildPage();
  mkdirSync(join(dir, 'public'), { recursive: true });
  for (const file of PAGE_FILES) writeFileSync(join(dir, 'public', file), page[file]);
}
