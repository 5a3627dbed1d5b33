/**
 * A stack as the last deploy left it: the configuration it was deployed with (the effective one
 * .leaderboard/ keeps, else the user's or the defaults) and how to reach its Kubernetes namespace.
 * `npm run status` and `npm run psql` look at a running stack through here.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LeaderboardConfig, loadConfig } from '../../stacks/config';
import { LOCAL_DIR } from './cli';

/** The kubectl `npm run kind:up` set up (built offline when none was installed), else the PATH's. */
export const KUBECTL = existsSync(join(LOCAL_DIR, 'bin', 'kubectl')) ? join(LOCAL_DIR, 'bin', 'kubectl') : 'kubectl';

/** The configuration `stack` was deployed with, so ports, names and the namespace match. */
export function deployedConfig(stack: string): LeaderboardConfig {
  const effective = join(LOCAL_DIR, `config.${stack}.json`);
  return loadConfig(existsSync(effective) ? { ...process.env, LEADERBOARD_CONFIG: effective } : process.env);
}

/** kubectl's arguments for the stack's cluster, context and namespace. */
export function kubectlArgs(config: LeaderboardConfig): string[] {
  const { namespace, kubeconfigPath, context } = config.kubernetes;
  return ['--kubeconfig', kubeconfigPath.replace(/^~(?=\/)/, homedir()), ...(context ? ['--context', context] : []), '-n', namespace];
}
