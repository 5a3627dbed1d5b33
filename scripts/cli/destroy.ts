/**
 * `npm run destroy [-- STACK]`: destroys one stack (default: docker-jdbc): on Docker its containers,
 * network and volumes; on Kubernetes everything the stack created in its namespace. Run it with the
 * same LEADERBOARD_CONFIG as the deploy, if that had one.
 */
import { cdktfDestroy } from './cdktf';
import { nextStep, plan, progress, runCommand, stackArgument } from './cli';
import { OPERATOR_SETTINGS, ensureTofu, kindClusterSettings, useEffectiveConfig, userConfig } from './setup-steps';

runCommand('destroy', async (args) => {
  const stack = stackArgument(args);
  const userFile = userConfig();
  plan(2);
  nextStep('OpenTofu and providers');
  await ensureTofu();
  useEffectiveConfig(stack.name, userFile, [OPERATOR_SETTINGS, kindClusterSettings(stack.name)]);
  nextStep(`cdktf destroy ${stack.name}`);
  await cdktfDestroy(stack.name);
  progress(`destroyed ${stack.name}`);
  process.stdout.write(`Destroyed ${stack.name}\n`);
});
