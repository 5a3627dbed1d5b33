/**
 * Integration suites need real services and tools. Outside CI a missing one skips the suite with a
 * message naming it; in CI (`CI=true`) it fails, so a green CI never hides a skipped suite.
 */
import { execFileSync } from 'node:child_process';

export const inCi = (): boolean => process.env.CI === 'true';

/** Returns the reason the prerequisite is missing, or undefined when it is there. */
export type Check = () => string | undefined;

export function commandExists(command: string): Check {
  return () => {
    try {
      execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
      return undefined;
    } catch {
      return `command '${command}' not found on PATH`;
    }
  };
}

/**
 * `describe` when every check passes; otherwise `describe.skip` plus a warning outside CI, and a
 * failing suite in CI.
 */
export function describeWith(checks: Check[]): jest.Describe {
  const missing = checks.map((check) => check()).filter((r): r is string => r !== undefined);
  if (missing.length === 0) return describe;
  const message = `prerequisites missing: ${missing.join('; ')}`;
  if (inCi()) {
    return ((name: string) =>
      describe(name, () => {
        it('has its prerequisites', () => {
          throw new Error(message);
        });
      })) as unknown as jest.Describe;
  }
  process.stderr.write(`SKIP: ${message}\n`);
  return describe.skip;
}
