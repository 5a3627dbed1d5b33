/**
 * The configuration a stack is deployed with: the user's file (LEADERBOARD_CONFIG) plus, for every
 * field it does not set, the `images.*` and `kubernetes.*` lines of the set-up's settings files (the
 * stand-in images chosen, the operator obtained, the kind cluster's kubeconfig). deploy, destroy,
 * status and kind:up synthesize from it, so they agree on the stack.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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

/**
 * Writes the effective configuration to `out` from the user's file (absolute path, or none) and the
 * settings files that exist. Throws, naming the file, when the user's file cannot be read.
 */
export function writeEffectiveConfig(out: string, userFile: string | undefined, settingsFiles: readonly string[]): void {
  let user: Config = {};
  if (userFile) {
    try {
      user = JSON.parse(readFileSync(userFile, 'utf8')) as Config;
    } catch (err) {
      throw new Error(`cannot read the configuration file ${userFile}: ${(err as Error).message}`);
    }
  }
  const texts = settingsFiles.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(effectiveConfig(user, texts), null, 2)}\n`);
}

/**
 * The user's configuration file, LEADERBOARD_CONFIG, as an absolute path (a relative one names a file
 * from where the command was started), or undefined without one. Throws when it does not exist.
 */
export function userConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const file = env.LEADERBOARD_CONFIG;
  if (!file) return undefined;
  const absolute = resolve(cwd, file);
  if (!existsSync(absolute)) throw new Error(`LEADERBOARD_CONFIG=${file}: no such file`);
  return absolute;
}
