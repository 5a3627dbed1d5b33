/** The registry as one file for Node 18+: the image's content (`npm run build:images -- schema-registry`). */
import { join } from 'node:path';

export async function bundleSchemaRegistry(outfile: string): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(__dirname, 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
  });
}
