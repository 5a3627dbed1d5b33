/** Running the tools the commands drive (docker, kind, kubectl): quietly, their output in a log. */
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { fail } from './cli';

/** A command's trimmed stdout, or undefined when it fails (e.g. asking about something absent). */
export function output(command: string, args: readonly string[]): string | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** Whether `command` is on the PATH. */
export const onPath = (command: string): boolean => output('sh', ['-c', `command -v ${command}`]) !== undefined;

/**
 * Runs a command attached to this process's stdin (or the open file `stdin`) and stderr (stdout too,
 * unless `stdout` says stderr); resolves with its exit status.
 */
export function attached(command: string, args: readonly string[], stdout: 'inherit' | 'stderr' = 'inherit', cwd?: string, stdin: 'inherit' | number = 'inherit'): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const child = spawn(command, args, { cwd, stdio: [stdin, stdout === 'inherit' ? 'inherit' : process.stderr, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolveStatus(code ?? 1));
  });
}

/** Runs a command with its output in `logFile`; resolves with its exit status. */
export async function logged(command: string, args: readonly string[], logFile: string): Promise<number> {
  const fd = openSync(logFile, 'w');
  try {
    return await new Promise<number>((resolveStatus, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
      child.on('error', reject);
      child.on('exit', (code) => resolveStatus(code ?? 1));
    });
  } finally {
    closeSync(fd);
  }
}

/** As `logged`, and a failure ends the command with the log's tail and `what` failed. */
export async function mustRun(what: string, command: string, args: readonly string[], logFile: string, tailLines = 20): Promise<void> {
  const status = await logged(command, args, logFile);
  if (status === 0) return;
  showTail(logFile, tailLines);
  fail(`${what} failed; log in ${logFile}`);
}

/** The last lines of a log on stderr, above the error line that names it. */
export function showTail(logFile: string, lines: number): void {
  process.stderr.write(`${readFileSync(logFile, 'utf8').split('\n').slice(-lines - 1).join('\n')}\n`);
}
