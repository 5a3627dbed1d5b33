/**
 * Builds the injector into a single file for Node 18+, with the Avro event schema it reads beside
 * it: the image's content and what
 * `npm run injector` runs. Two KafkaJS 2.2.4 internals on the produce path are replaced by faster
 * equivalents (src/kafkajs-fast/); KafkaJS is unmaintained, so the pinned version will not move under them.
 *
 *   node <this file, bundled> <outfile>
 */
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { USER_SCORE_SCHEMA_FILE } from '../../common/contract/event-schema';
import { bundleNodeService } from '../../common/node-bundle';

/** The repository root, found upwards from here: this file also runs as a bundle under build/. */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'injector', 'src', 'cli.ts'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no injector/src/cli.ts above ${__dirname}`);
  }
}

const sourceDir = path.join(repositoryRoot(), 'injector', 'src');
const fast = (file: string, exportName: string) => ({ file: path.join(sourceDir, 'kafkajs-fast', file), exportName });

/** KafkaJS module (path inside the package) → the replacement's module and export. */
export const KAFKAJS_REPLACEMENTS: Readonly<Record<string, { file: string; exportName: string }>> = {
  'src/protocol/recordBatch/record/v0/index.js': fast('record-v0.ts', 'encodeRecord'),
  'src/producer/groupMessagesPerPartition.js': fast('group-messages-per-partition.ts', 'groupMessagesPerPartition'),
};

const kafkajsFastPaths: Plugin = {
  name: 'kafkajs-fast-paths',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]kafkajs[\\/]src[\\/].*\.js$/ }, (args) => {
      const inPackage = args.path.split(/[\\/]node_modules[\\/]kafkajs[\\/]/)[1].replace(/\\/g, '/');
      const replacement = KAFKAJS_REPLACEMENTS[inPackage];
      if (replacement === undefined) return undefined;
      return {
        contents: `module.exports = require(${JSON.stringify(replacement.file)}).${replacement.exportName};`,
        loader: 'js',
        resolveDir: path.dirname(replacement.file),
      };
    });
  },
};

export async function bundleInjector(outfile: string): Promise<void> {
  const metafile = await bundleNodeService(path.join(sourceDir, 'cli.ts'), outfile, { plugins: [kafkajsFastPaths] });
  // The replacements must really be in: a KafkaJS layout change would otherwise go unnoticed.
  const inputs = Object.keys(metafile.inputs);
  for (const { file } of Object.values(KAFKAJS_REPLACEMENTS)) {
    if (!inputs.some((input) => path.resolve(input) === file)) throw new Error(`bundle lacks ${file}: has KafkaJS changed?`);
  }
  // The Avro event schema is read from beside the bundle (common/contract/event-schema.ts).
  copyFileSync(path.join(repositoryRoot(), 'common', 'contract', USER_SCORE_SCHEMA_FILE), path.join(path.dirname(outfile), USER_SCORE_SCHEMA_FILE));
}

if (require.main === module) {
  const outfile = process.argv[2];
  if (outfile === undefined) {
    process.stderr.write('usage: bundle <outfile>\n');
    process.exit(2);
  }
  bundleInjector(path.resolve(outfile)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
