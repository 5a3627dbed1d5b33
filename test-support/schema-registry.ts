/**
 * The project's schema registry as a process, started the way its container starts it (settings in
 * the environment), for the suites that need a registry beside their broker.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { SCHEMA_REGISTRY_ENV as ENV } from '../common/contract';

const root = resolve(__dirname, '..');

export interface Registry {
  readonly process: ChildProcess;
  /** http://127.0.0.1:<port>, empty when it did not start. */
  readonly url: string;
  /** What it has logged so far. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts the registry on 127.0.0.1 with `env` and resolves once it listens, or once it has exited. */
export async function startRegistry(env: Record<string, string>): Promise<Registry> {
  const child = spawn(process.execPath, [join(root, 'node_modules', '.bin', 'ts-node'), '--transpile-only', join(root, 'schema-registry', 'src', 'cli.ts')], {
    env: { PATH: process.env.PATH, [ENV.host]: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  const listening = await new Promise<boolean>((done) => {
    const poll = setInterval(() => {
      if (/"msg":"listening"/.test(output)) {
        clearInterval(poll);
        done(true);
      }
    }, 100);
    void exited.then(() => {
      clearInterval(poll);
      done(false);
    });
  });
  return { process: child, url: listening ? `http://127.0.0.1:${env[ENV.port]}` : '', output: () => output, exited };
}

export async function stopRegistry(registry: Registry | undefined): Promise<void> {
  if (!registry || registry.process.exitCode !== null) return;
  registry.process.kill('SIGTERM');
  await registry.exited;
}
