/** The registry as one file for Node 18+: the image's content (`npm run build:images -- schema-registry`). */
import { join } from 'node:path';
import { bundleNodeService } from '../../common/node-bundle';

export async function bundleSchemaRegistry(outfile: string): Promise<void> {
  await bundleNodeService(join(__dirname, 'cli.ts'), outfile);
}
