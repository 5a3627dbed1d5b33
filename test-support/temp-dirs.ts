/**
 * Scratch directories of one test file, removed after its tests (jest-setup.ts): clones of the
 * repository and synthesized stacks would otherwise pile up in the system's temp directory, run
 * after run, on the machine CI keeps using.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new directory `leaderboard-<prefix>-XXXXXX` in the system's temp directory, removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `leaderboard-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes the directories `tempDir` made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
