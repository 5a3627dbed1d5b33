/**
 * Documented commands run literally: the lines of a Markdown file's `sh` code blocks, run with bash in
 * a fresh clone and a user's environment, as a user would type them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Every command line of `file`'s `sh` code blocks, without trailing comments. */
export function shCommands(file: string): string[] {
  const blocks = [...readFileSync(file, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

/** The command of `file` that matches `what`; fails when the document no longer has it. */
export function documentedCommand(file: string, what: RegExp): string {
  const command = shCommands(file).find((c) => what.test(c));
  if (!command) throw new Error(`${file} has no command matching ${what}`);
  return command;
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** A line that says something failed, in the set-up scripts' JSON logs, cdktf's or a shell's. */
export const ERROR_LINE = /\[ERROR\]|"level":"error"|^Error:/m;

/** Runs one documented line with bash in `cwd`, streaming its progress lines to this process's stderr. */
export function runLine(cwd: string, line: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn('bash', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) process.stderr.write(`  [${line}] ${l}\n`);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Starts a long-running documented line (a port-forward, say) in its own process group; stop() ends the group. */
export function startLine(cwd: string, line: string, env: NodeJS.ProcessEnv): { child: ChildProcess; stop: () => void } {
  const child = spawn('bash', ['-c', line], { cwd, env, stdio: 'ignore', detached: true });
  return {
    child,
    stop: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
  };
}

/** A user's environment: nothing the test runner set up for other suites. */
export function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['LEADERBOARD_CONFIG', 'LEADERBOARD_STATE_DIR', 'TERRAFORM_BINARY_NAME', 'TF_CLI_CONFIG_FILE', 'TOFU_BINARY', 'CHECKPOINT_DISABLE', 'DISABLE_VERSION_CHECK']) {
    delete env[name];
  }
  return env;
}
