/**
 * A Node service as one CommonJS file for Node 18 (the oldest Node a container base may carry): the
 * content of the project's Node images. esbuild is imported on use, so a service that bundles part of
 * itself at start (the dashboard's page) does not need it otherwise.
 */
import type { BuildOptions, Metafile } from 'esbuild';

export async function bundleNodeService(entry: string, outfile: string, extra: Pick<BuildOptions, 'external' | 'plugins'> = {}): Promise<Metafile> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    ...extra,
  });
  return result.metafile;
}
