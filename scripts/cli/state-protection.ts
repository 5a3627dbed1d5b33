/**
 * The Terraform state holds the stack's passwords. Its files are readable by this user only (cdktf
 * runs under umask 077, and files of earlier runs are made so), and OpenTofu encrypts them (state and
 * plans: PBKDF2 key, AES-GCM) when LEADERBOARD_STATE_PASSPHRASE is set; a state written unencrypted
 * before is read once and written back encrypted.
 */
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface StateProtection {
  /** TF_ENCRYPTION for OpenTofu, when the state is to be encrypted. */
  readonly encryption?: string;
  /** Said once when the state stays unencrypted. */
  readonly warning?: string;
}

export const MIN_PASSPHRASE_LENGTH = 16;

/**
 * Makes the state files in `dir` owner-only and says how OpenTofu is to protect them. Throws, naming
 * the setting, when the passphrase cannot be used.
 */
export function protectState(dir: string, passphrase: string | undefined, terraformBinary: string | undefined): StateProtection {
  const stateFiles = readdirSync(dir).filter((f) => /^terraform\..+\.tfstate/.test(f)).map((f) => join(dir, f));
  for (const file of stateFiles) chmodSync(file, 0o600);
  if (!passphrase) {
    return {
      warning: `the Terraform state keeps the stack's passwords unencrypted (files of mode 0600 in ${dir}); set LEADERBOARD_STATE_PASSPHRASE to have OpenTofu encrypt it (README, Security)`,
    };
  }
  if (terraformBinary !== 'tofu') {
    throw new Error(`LEADERBOARD_STATE_PASSPHRASE needs OpenTofu (tofu) to encrypt the state; ${terraformBinary || 'terraform'} cannot`);
  }
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new Error(`LEADERBOARD_STATE_PASSPHRASE is too short: at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  // Only while a state is still unencrypted does the configuration name the unencrypted method, which
  // OpenTofu would otherwise accept for good.
  const plain = stateFiles.some(
    (f) => f.endsWith('.tfstate') && statSync(f).size > 0 && !readFileSync(f, 'utf8').includes('"encrypted_data"'),
  );
  return { encryption: encryptionConfig(passphrase, plain) };
}

/** OpenTofu's encryption block (HCL): a JSON string is a valid HCL string once template sequences are escaped. */
export function encryptionConfig(passphrase: string, migrateFromPlain: boolean): string {
  const quoted = JSON.stringify(passphrase).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
  const protect = (what: string): string =>
    [`${what} {`, '  method = method.aes_gcm.leaderboard', ...(migrateFromPlain ? ['  fallback {', '    method = method.unencrypted.migrate', '  }'] : []), '}'].join('\n');
  return [
    'key_provider "pbkdf2" "leaderboard" {',
    `  passphrase = ${quoted}`,
    '}',
    'method "aes_gcm" "leaderboard" {',
    '  keys = key_provider.pbkdf2.leaderboard',
    '}',
    ...(migrateFromPlain ? ['method "unencrypted" "migrate" {}'] : []),
    protect('state'),
    protect('plan'),
  ].join('\n');
}
