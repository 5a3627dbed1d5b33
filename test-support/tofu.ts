/**
 * OpenTofu and the provider mirror built offline by scripts/offline/tofu-toolchain.sh, and
 * `tofu validate` of a synthesized stack against the real provider schemas.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Check } from './prerequisites';

export interface TofuToolchain {
  binary: string;
  /** CLI config file whose provider_installation points at the filesystem mirror. */
  cliConfig: string;
}

export interface TofuDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number; column: number } };
  snippet?: { context?: string | null; code?: string };
}

export interface ValidateResult {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: TofuDiagnostic[];
}

const BUILD_HINT = 'build them with scripts/offline/tofu-toolchain.sh';
const INIT_TIMEOUT_MS = 180_000;
const VALIDATE_TIMEOUT_MS = 120_000;

function cacheDir(): string {
  return join(process.env.LEADERBOARD_CACHE ?? join(homedir(), '.cache', 'leaderboard-stack'), 'tofu');
}

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function locateBinary(): string | undefined {
  const fromEnv = process.env.TOFU_BINARY;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const cached = join(cacheDir(), 'bin', 'tofu');
  return existsSync(cached) ? cached : onPath('tofu');
}

/**
 * Some machine images export TF_CLI_CONFIG_FILE naming a file that does not exist, so the variable
 * counts only when its file is there.
 */
function locateCliConfig(): string | undefined {
  const fromEnv = process.env.TF_CLI_CONFIG_FILE;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const cached = join(cacheDir(), 'tofu.rc');
  return existsSync(cached) ? cached : undefined;
}

function missingPieces(): string[] {
  const missing: string[] = [];
  if (locateBinary() === undefined) {
    missing.push(
      process.env.TOFU_BINARY
        ? `TOFU_BINARY=${process.env.TOFU_BINARY} does not exist`
        : `tofu not found (TOFU_BINARY unset, ${join(cacheDir(), 'bin', 'tofu')} absent, none on PATH)`,
    );
  }
  if (locateCliConfig() === undefined) {
    missing.push(`provider mirror CLI config not found (${join(cacheDir(), 'tofu.rc')} absent, TF_CLI_CONFIG_FILE unset or absent)`);
  }
  return missing;
}

export const tofuCheck: Check = () => {
  const missing = missingPieces();
  return missing.length === 0 ? undefined : `${missing.join('; ')}: ${BUILD_HINT}`;
};

export function locateTofu(): TofuToolchain {
  const binary = locateBinary();
  const cliConfig = locateCliConfig();
  if (binary === undefined || cliConfig === undefined) {
    throw new Error(`${missingPieces().join('; ')}: ${BUILD_HINT}`);
  }
  return { binary, cliConfig };
}

export function formatDiagnostics(diagnostics: TofuDiagnostic[]): string {
  return diagnostics
    .map((d) => {
      const where = d.range ? ` (${d.range.filename}:${d.range.start.line}:${d.range.start.column})` : '';
      const context = d.snippet?.context ? ` in ${d.snippet.context}` : '';
      const detail = d.detail ? `\n    ${d.detail.replace(/\n/g, '\n    ')}` : '';
      return `${d.severity}: ${d.summary}${context}${where}${detail}`;
    })
    .join('\n');
}

function runTofu(toolchain: TofuToolchain, stackDir: string, args: string[], timeout: number) {
  const result = spawnSync(toolchain.binary, args, {
    cwd: stackDir,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, TF_CLI_CONFIG_FILE: toolchain.cliConfig, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
  });
  if (result.error) throw new Error(`tofu ${args[0]} in ${stackDir} could not run: ${result.error.message}`);
  return result;
}

/**
 * Installs the stack's providers from the mirror (no backend) and validates it. Returns the result
 * when the configuration is valid (it may carry warnings); throws with every diagnostic otherwise.
 * `stackDir` is a synthesized stack directory, cdktf.out/stacks/<name>, holding cdk.tf.json.
 */
export function validateStack(stackDir: string, toolchain: TofuToolchain = locateTofu()): ValidateResult {
  if (!existsSync(join(stackDir, 'cdk.tf.json'))) {
    throw new Error(`${stackDir} holds no cdk.tf.json: pass a synthesized stack directory (cdktf.out/stacks/<name>)`);
  }
  const init = runTofu(toolchain, stackDir, ['init', '-backend=false', '-input=false', '-no-color'], INIT_TIMEOUT_MS);
  if (init.status !== 0) {
    throw new Error(
      `tofu init failed in ${stackDir} (exit ${init.status ?? init.signal}, CLI config ${toolchain.cliConfig}):\n${init.stderr}${init.stdout}`,
    );
  }
  const validate = runTofu(toolchain, stackDir, ['validate', '-json', '-no-color'], VALIDATE_TIMEOUT_MS);
  let result: ValidateResult;
  try {
    result = JSON.parse(validate.stdout) as ValidateResult;
  } catch {
    throw new Error(`tofu validate in ${stackDir} printed no JSON (exit ${validate.status ?? validate.signal}):\n${validate.stderr}${validate.stdout}`);
  }
  if (!result.valid) {
    throw new Error(`tofu validate: ${stackDir} is invalid (${result.error_count} errors):\n${formatDiagnostics(result.diagnostics)}`);
  }
  return result;
}
