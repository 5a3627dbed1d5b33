/**
 * The configuration a stack is deployed with: the user's file (LEADERBOARD_CONFIG) plus, for every
 * field it does not set, the `images.*` and `kubernetes.*` lines of the set-up's settings files (the
 * stand-in images chosen, the operator obtained, the kind cluster's kubeconfig). deploy, destroy,
 * status and kind-up synthesize from it, so they agree on the stack.
 *
 *   ts-node scripts/effective-config.ts OUT [USER_CONFIG] [SETTINGS_FILE...]
 *
 * USER_CONFIG may be empty (no user file); settings files that do not exist are skipped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

type Config = Record<string, unknown>;

const SETTING_LINE = /^(images|kubernetes)\.(\w+)=(.+)$/;

/** `user` with each setting line's value where the user set none; the user's own values win. */
export function effectiveConfig(user: Config, settingsTexts: readonly string[]): Config {
  const config: Config = { ...user };
  for (const text of settingsTexts) {
    for (const line of text.split('\n')) {
      const m = SETTING_LINE.exec(line.trim());
      if (!m) continue;
      const [, section, key, value] = m;
      const fields = { ...((config[section] as Config | undefined) ?? {}) };
      if (!(key in fields)) fields[key] = value;
      config[section] = fields;
    }
  }
  return config;
}

function main(): void {
  const [out, userFile, ...settingsFiles] = process.argv.slice(2);
  if (!out) {
    process.stderr.write('usage: effective-config.ts OUT [USER_CONFIG] [SETTINGS_FILE...]\n');
    process.exit(2);
  }
  let user: Config = {};
  if (userFile) {
    try {
      user = JSON.parse(readFileSync(userFile, 'utf8')) as Config;
    } catch (err) {
      process.stderr.write(`cannot read the configuration file ${userFile}: ${(err as Error).message}\n`);
      process.exit(1);
    }
  }
  const texts = settingsFiles.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
  writeFileSync(out, `${JSON.stringify(effectiveConfig(user, texts), null, 2)}\n`);
}

if (require.main === module) main();
