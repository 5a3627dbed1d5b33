/**
 * Runs the cdktf CLI the way a user does (`npx cdktf deploy ...`), through OpenTofu and the offline
 * provider mirror, streaming its output with elapsed time so a long deploy shows progress.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { locateTofu } from './tofu';

const root = resolve(__dirname, '..');
/** The lines worth showing while it runs; the whole output comes with a failure. */
const PROGRESS = /complete|Still|Error|error|Plan:|No changes|Apply|Destroy/;

export interface CliRun {
  readonly output: string;
  readonly seconds: number;
}

export async function cdktf(args: string[], env: Record<string, string>, timeoutMs = 15 * 60_000): Promise<CliRun> {
  const tofu = locateTofu();
  const started = Date.now();
  // Provider locking asks the public registry, which an offline mirror cannot answer.
  const child = spawn('npx', ['cdktf', ...args, '--skip-provider-lock'], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      TERRAFORM_BINARY_NAME: tofu.binary,
      TF_CLI_CONFIG_FILE: tofu.cliConfig,
      CHECKPOINT_DISABLE: '1',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
      FORCE_COLOR: '0',
      CI: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString();
    output += text;
    for (const line of text.split('\n').filter((l) => PROGRESS.test(l))) {
      process.stderr.write(`  [cdktf ${args[0]} +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(timer);
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`cdktf ${args.join(' ')} exited ${code} after ${seconds}s:\n${output.slice(-4000)}`);
  return { output, seconds };
}
