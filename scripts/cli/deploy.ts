/**
 * `npm run deploy [-- STACK]`: deploys one stack (default: docker-jdbc) and prints where its dashboard
 * and Flink UI are. On a fresh machine it first sets up what is missing (JDK and Maven, a Docker
 * engine, OpenTofu and the providers, the images) and skips what is already there.
 * Config: LEADERBOARD_CONFIG=path/to/config.json (optional).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { loadConfig } from '../../stacks/config';
import { cdktfDeploy } from './cdktf';
import { fail, nextStep, plan, progress, runCommand, stackArgument } from './cli';
import {
  OPERATOR_SETTINGS,
  STANDIN_CHOICE,
  ensureBuildTools,
  ensureDockerEngine,
  ensureImages,
  ensureTofu,
  obtainFlinkOperator,
  projectImageContexts,
  useEffectiveConfig,
  userConfig,
} from './setup-steps';

const DASHBOARD_WAIT_MS = 120_000;

async function dashboardAnswers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}

runCommand('deploy', async (args) => {
  const stack = stackArgument(args);
  const userFile = userConfig();
  const docker = stack.target === 'docker';
  plan(docker ? 6 : 4);
  nextStep('OpenTofu and providers');
  await ensureTofu();
  if (docker) {
    nextStep('JDK and Maven');
    await ensureBuildTools();
    nextStep('Docker engine');
    await ensureDockerEngine();
    nextStep('images');
    await ensureImages(STANDIN_CHOICE);
    nextStep('project image contexts (Flink SQL runner and connectors, injector, dashboard)');
    await projectImageContexts();
  } else {
    nextStep('Flink Kubernetes Operator');
    await obtainFlinkOperator();
  }
  useEffectiveConfig(stack.name, userFile, [OPERATOR_SETTINGS]);
  if (!docker) {
    const kubeconfig = loadConfig().kubernetes.kubeconfigPath.replace(/^~(?=\/)/, homedir());
    if (!existsSync(kubeconfig)) {
      fail(`no kubeconfig at ${kubeconfig}: create a cluster first (npm run kind:up makes one) or set kubernetes.kubeconfigPath, see docs/kubernetes.md`);
    }
  }

  nextStep(`cdktf deploy ${stack.name} (builds the project images the first time; a few minutes)`);
  const outputs = await cdktfDeploy(stack.name);
  const dashboardUrl = outputs.dashboard_url ?? '';
  if (docker) {
    progress(`waiting for the dashboard at ${dashboardUrl}`);
    const deadline = Date.now() + DASHBOARD_WAIT_MS;
    while (!(await dashboardAnswers(`${dashboardUrl}healthz`))) {
      if (Date.now() > deadline) {
        fail(`the dashboard did not answer at ${dashboardUrl}healthz within ${DASHBOARD_WAIT_MS / 1000} s; see npm run status -- ${stack.name}`);
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
  progress(`deployed ${stack.name}; check it with: npm run status -- ${stack.name}; tear it down with: npm run destroy -- ${stack.name}`);
  process.stdout.write(`Dashboard: ${dashboardUrl}\nFlink UI:  ${outputs.flink_ui_url ?? ''}\n`);
});
