/**
 * `cdktf deploy` and `cdktf destroy` of one stack, as the commands run them: the state protected
 * first, the files they write owner-only (umask 077), the full log in .leaderboard/, a progress line
 * per resource, and the log's tail with one error line when they fail.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_DIR, REPO_ROOT, fail, progress, warn } from './cli';
import { StateProtection, protectState } from './state-protection';

// Resource lines worth a progress line, and the summary.
const RESOURCE_DONE = /^.*\(([^)]+)\): (Creation|Modifications|Destruction) complete after ([0-9hms]+).*$/;
const SUMMARY = /^.*(Apply complete!.*|No changes\..*)$/;

/** The outputs a deployed stack reported, by output name. */
export type StackOutputs = Record<string, string>;

/** Deploys `stack`; resolves with its outputs (also kept in .leaderboard/outputs.STACK.json). */
export async function cdktfDeploy(stack: string): Promise<StackOutputs> {
  const outputs = join(LOCAL_DIR, `outputs.${stack}.json`);
  rmSync(outputs, { force: true });
  // Locking asks the public registry for every platform's hashes; init still records this machine's.
  await cdktf(stack, ['deploy', stack, '--auto-approve', '--skip-provider-lock', '--outputs-file', outputs], {});
  const all = JSON.parse(readFileSync(outputs, 'utf8')) as Record<string, StackOutputs | undefined>;
  return all[stack] ?? {};
}

/** Destroys `stack`; synthesis then needs no image contexts (nothing is built). */
export async function cdktfDestroy(stack: string): Promise<void> {
  await cdktf(stack, ['destroy', stack, '--auto-approve', '--skip-provider-lock'], { LEADERBOARD_IMAGE_CONTEXTS: 'optional' });
}

async function cdktf(stack: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const action = args[0];
  mkdirSync(LOCAL_DIR, { recursive: true });
  const logFile = join(LOCAL_DIR, `${action}.${stack}.log`);
  let protection: StateProtection;
  try {
    protection = protectState(process.env.LEADERBOARD_STATE_DIR || REPO_ROOT, process.env.LEADERBOARD_STATE_PASSPHRASE, process.env.TERRAFORM_BINARY_NAME);
  } catch (err) {
    fail((err as Error).message);
  }
  if (protection.warning) warn(protection.warning);
  const previousUmask = process.umask(0o077);
  const log = createWriteStream(logFile);
  let status: number;
  try {
    status = await new Promise<number>((resolveStatus, reject) => {
      const child = spawn('npx', ['cdktf', ...args], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...env,
          ...(protection.encryption ? { TF_ENCRYPTION: protection.encryption } : {}),
          FORCE_COLOR: '0',
          // cdktf's telemetry and version check call public hosts; offline they print an [ERROR] line
          // after a successful run.
          CHECKPOINT_DISABLE: '1',
          DISABLE_VERSION_CHECK: '1',
        },
      });
      let pending = '';
      const follow = (chunk: Buffer): void => {
        log.write(chunk);
        if (action !== 'deploy') return;
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) {
          const done = RESOURCE_DONE.exec(l);
          if (done) progress(`${done[2]} complete: ${done[1]} (${done[3]})`);
          else if (SUMMARY.test(l)) progress(SUMMARY.exec(l)![1]);
        }
      };
      child.stdout.on('data', follow);
      child.stderr.on('data', follow);
      child.on('error', reject);
      child.on('close', (code) => resolveStatus(code ?? 1));
    });
  } finally {
    process.umask(previousUmask);
    await new Promise<void>((done) => log.end(done));
  }
  if (status !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-41).join('\n');
    process.stderr.write(`${tail}\n`);
    fail(`cdktf ${action} ${stack} failed (exit ${status}); full log in ${logFile}`);
  }
}
