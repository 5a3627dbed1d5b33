/**
 * The docker CLI for the stand-in image tests: every container and network a suite creates carries
 * the suite's label, so `removeLabelled` cleans up after it whatever failed.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Check } from '../../test-support/prerequisites';

const runFile = promisify(execFile);
const standinScript = path.resolve(__dirname, '..', '..', 'scripts', 'offline', 'standin-images.sh');

export type StandinKey = 'kafka' | 'postgres' | 'flinkBase' | 'node';

/** Runs `docker ARGS` and returns its stdout; a failure carries docker's stderr in its message. */
export async function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  try {
    const { stdout } = await runFile('docker', args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** The stand-in image names, as `scripts/offline/standin-images.sh --names` prints them. */
export function standinImages(): Record<StandinKey, string> {
  const lines = execFileSync(standinScript, ['--names'], { encoding: 'utf8', timeout: 30_000 }).trim().split('\n');
  const names = Object.fromEntries(lines.map((line) => line.replace(/^images\./, '').split('=', 2)));
  return names as Record<StandinKey, string>;
}

export function dockerEngine(): Check {
  return () => {
    try {
      execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 30_000 });
      return undefined;
    } catch {
      return 'no Docker engine answers `docker info` (run scripts/offline/docker-engine.sh)';
    }
  };
}

export function standinImagesBuilt(): Check {
  return () => {
    let images: Record<StandinKey, string>;
    try {
      images = standinImages();
      execFileSync('docker', ['image', 'inspect', ...Object.values(images)], { stdio: 'ignore', timeout: 30_000 });
      return undefined;
    } catch {
      return 'stand-in images not built (run scripts/offline/standin-images.sh)';
    }
  };
}

/** Removes the containers (with their anonymous volumes) and networks that carry LABEL. */
export async function removeLabelled(label: string): Promise<void> {
  const containers = (await docker(['ps', '-aq', '--filter', `label=${label}`])).split('\n').filter(Boolean);
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
  const networks = (await docker(['network', 'ls', '-q', '--filter', `label=${label}`])).split('\n').filter(Boolean);
  if (networks.length > 0) await docker(['network', 'rm', ...networks]);
}

/** Polls PROBE every second until it returns a value other than undefined, failing after TIMEOUT_MS. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** The host port (on 127.0.0.1) that CONTAINER's PORT/tcp is published on. */
export async function publishedPort(container: string, port: number): Promise<number> {
  const out = (await docker(['port', container, `${port}/tcp`])).trim().split('\n')[0];
  const match = /127\.0\.0\.1:(\d+)$/.exec(out);
  if (!match) throw new Error(`${container} publishes ${port}/tcp as '${out}', not on 127.0.0.1`);
  return Number(match[1]);
}

/** The uid the container's main process (pid 1) runs as. */
export async function mainProcessUid(container: string): Promise<number> {
  const status = await docker(['exec', container, 'cat', '/proc/1/status']);
  const match = /^Uid:\s+(\d+)/m.exec(status);
  if (!match) throw new Error(`no Uid line in /proc/1/status of ${container}`);
  return Number(match[1]);
}
