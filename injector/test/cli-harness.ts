/** Runs the injector as users and the container do: the esbuild bundle, in a child process. */
import { spawn, SpawnOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleInjector } from '../src/bundle';

let bundle: Promise<string> | undefined;

/** The bundle the image ships, built once per test file. */
export function injectorBundle(): Promise<string> {
  bundle ??= (async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'injector-test-')), 'injector.js');
    await bundleInjector(out);
    return out;
  })();
  return bundle;
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly pid: number;
  kill(signal: NodeJS.Signals): void;
  /** What the process has logged so far. */
  stderrSoFar(): string;
  readonly done: Promise<CliResult>;
}

/** Starts the CLI; `done` rejects if it has not exited after `timeoutMs` (and the process is killed). */
export async function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunningCli> {
  const spawnOptions: SpawnOptions = {
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  const child = spawn(process.execPath, [await injectorBundle(), ...args], spawnOptions);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => stdout.push(d));
  child.stderr?.on('data', (d: Buffer) => stderr.push(d));
  const timeoutMs = options.timeoutMs ?? 60000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`injector ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${Buffer.concat(stderr).toString().slice(-4000)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
  return { pid: child.pid as number, kill: (signal) => child.kill(signal), stderrSoFar: () => Buffer.concat(stderr).toString(), done };
}

export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return (await startCli(args, options)).done;
}

/** The structured log lines of a run. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
