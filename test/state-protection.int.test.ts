/**
 * The Terraform state holds the stacks' passwords. `protectState` (scripts/cli/state-protection.ts, run
 * before every cdktf deploy and destroy, which run under umask 077) keeps its files readable by their
 * owner only, and with LEADERBOARD_STATE_PASSPHRASE has OpenTofu encrypt state and plans. Checked here with
 * the project's OpenTofu and a configuration holding one generated password, applied as the scripts
 * apply a stack.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWith } from '../test-support/prerequisites';
import { locateTofu, tofuCheck } from '../test-support/tofu';
import { tempDir } from '../test-support/temp-dirs';
import { protectState } from '../scripts/cli/state-protection';

// Quotes, a backslash and HCL's template sequences: the passphrase reaches OpenTofu as written.
const PASSPHRASE = 'correct "horse" ${battery} %{staple} \\ 1';

describeWith([tofuCheck])('the Terraform state: owner-only files, encrypted with a passphrase', () => {
  const tofu = locateTofu();

  /** A fresh configuration with one random_password, in its own directory. */
  const workspace = (): string => {
    const dir = tempDir('state');
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { random: { source: 'hashicorp/random' } }, backend: { local: { path: 'terraform.test.tfstate' } } },
        resource: { random_password: { secret: { length: 24, special: false } } },
        output: { secret: { value: '${random_password.secret.result}', sensitive: true } },
      }),
    );
    return dir;
  };

  /**
   * protectState, then tofu as cdktf runs it (umask 077) with its encryption; returns the run, the
   * warning and, when it applied, the password.
   */
  const apply = (dir: string, passphrase?: string) => {
    const { encryption, warning } = protectState(dir, passphrase, 'tofu');
    const script = 'umask 077 && tofu init -input=false >/dev/null && tofu apply -input=false -auto-approve >/dev/null && tofu output -raw secret';
    const run = spawnSync('bash', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 300_000,
      env: {
        ...process.env,
        PATH: `${join(tofu.binary, '..')}:${process.env.PATH}`,
        TF_CLI_CONFIG_FILE: tofu.cliConfig,
        ...(encryption ? { TF_ENCRYPTION: encryption } : {}),
      },
    });
    return { run, warning, secret: run.stdout.trim() };
  };
  const stateOf = (dir: string): string => readFileSync(join(dir, 'terraform.test.tfstate'), 'utf8');
  const modeOf = (dir: string): number => statSync(join(dir, 'terraform.test.tfstate')).mode & 0o777;

  it('without a passphrase: mode 0600, a warning that the passwords are unencrypted', () => {
    const dir = workspace();
    const { run, warning, secret } = apply(dir);
    expect(run.status).toBe(0);
    expect(warning).toContain('keeps the stack\'s passwords unencrypted');
    expect(secret).toHaveLength(24);
    expect(modeOf(dir)).toBe(0o600);
    expect(stateOf(dir)).toContain(secret);
  }, 300_000);

  it('with a passphrase: the state holds no password in clear, and an earlier plain state is encrypted on the next apply', () => {
    const dir = workspace();
    const plain = apply(dir);
    expect(stateOf(dir)).toContain(plain.secret);
    const { run, warning, secret } = apply(dir, PASSPHRASE);
    expect({ status: run.status, warning }).toEqual({ status: 0, warning: undefined });
    expect(secret).toBe(plain.secret);
    expect(modeOf(dir)).toBe(0o600);
    const state = stateOf(dir);
    expect(state).not.toContain(secret);
    expect(JSON.parse(state)).toHaveProperty('encrypted_data');
    // Without the passphrase, OpenTofu cannot read it back.
    expect(apply(dir).run.status).not.toBe(0);
  }, 300_000);

  it('refuses a passphrase shorter than 16 characters, or one without OpenTofu, naming the setting', () => {
    expect(() => protectState(workspace(), 'short', 'tofu')).toThrow('LEADERBOARD_STATE_PASSPHRASE is too short: at least 16 characters');
    expect(() => protectState(workspace(), PASSPHRASE, 'terraform')).toThrow('LEADERBOARD_STATE_PASSPHRASE needs OpenTofu (tofu) to encrypt the state; terraform cannot');
  });
});
