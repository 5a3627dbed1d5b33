/**
 * The offline toolchain stays in shell (scripts/lib/setup.sh: `obtain` and its sources, the Go and
 * Debian builds); the commands call its functions through here. Each call runs in a bash that has the
 * set-up sourced and hands back the environment the function exported (PATH, TERRAFORM_BINARY_NAME,
 * KIND, …), which this process then carries on with, as a sourcing shell script would.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailure, REPO_ROOT, currentScript, elapsedSeconds } from './cli';

// Variables bash sets for itself, not results of the function.
const SHELL_OWN = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD']);

/**
 * Runs `call` (a set-up function and its arguments, e.g. `ensure_tofu`) and takes over the variables
 * it exported or changed. Its output goes to stderr, like every progress line. Resolves with the
 * function's exit status when it is one of `accepted` (default: only 0); any other status ends the
 * command, the function having said why in its own line.
 */
export async function setUp(call: readonly string[], accepted: readonly number[] = [0]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'leaderboard-setup-'));
  const envFile = join(dir, 'env');
  // The shell's progress lines continue this command's name and elapsed seconds.
  const script = [
    'set -euo pipefail',
    'source "$REPO_ROOT_FOR_SETUP/images/standins/lib.sh"',
    'source "$REPO_ROOT_FOR_SETUP/scripts/lib/setup.sh"',
    'SCRIPT_NAME=$SCRIPT_NAME_FOR_SETUP',
    'SCRIPT_START=$((-ELAPSED_FOR_SETUP))',
    // Called as the scripts call it (errexit applies inside); the environment is written however it ends.
    'trap \'env -0 >"$ENV_FILE_FOR_SETUP"\' EXIT',
    '"$@"',
  ].join('\n');
  const before = { ...process.env };
  try {
    const status = await new Promise<number>((resolveStatus, reject) => {
      const child = spawn('bash', ['-c', script, 'setup', ...call], {
        cwd: REPO_ROOT,
        stdio: ['ignore', process.stderr, process.stderr],
        env: {
          ...before,
          REPO_ROOT_FOR_SETUP: REPO_ROOT,
          SCRIPT_NAME_FOR_SETUP: currentScript(),
          ELAPSED_FOR_SETUP: String(elapsedSeconds()),
          ENV_FILE_FOR_SETUP: envFile,
        },
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolveStatus(code ?? (signal ? 128 : 1)));
    });
    if (!accepted.includes(status)) throw new CommandFailure('', status);
    adoptEnvironment(readFileSync(envFile, 'utf8'), before);
    return status;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Takes what the function changed, against the environment it started with: calls may run side by side. */
function adoptEnvironment(dump: string, before: NodeJS.ProcessEnv): void {
  for (const entry of dump.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (SHELL_OWN.has(key) || key.endsWith('_FOR_SETUP')) continue;
    const value = entry.slice(eq + 1);
    if (before[key] !== value) process.env[key] = value;
  }
}
