/**
 * `npm run kind:up [-- k8s-jdbc|k8s-kafka]`: one Kubernetes stack on a local kind cluster. Sets up
 * what is missing like `npm run deploy`, then kind and kubectl (official ones and kind's node image
 * when Docker Hub answers, else built offline), creates the cluster of deploy/kind/cluster.yaml unless
 * it exists, builds the project images and loads them into it with the third-party images present
 * locally, deploys the stack with cdktf and waits until its Flink jobs run.
 *
 * Env: KIND_CLUSTER (default: the name in cluster.yaml), KIND_UP_TIMEOUT (seconds to wait for the
 * jobs, default 900), KIND_MIN_MEMORY_MIB (default 8192). Idempotent: a second run reuses the cluster,
 * loads only changed images and applies only changes. kind and kubectl are linked into .leaderboard/bin.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STACKS } from '../../stacks/stack-list';
import { cdktfDeploy } from './cdktf';
import { LOCAL_DIR, REPO_ROOT, fail, nextStep, plan, progress, runCommand, stackArgument } from './cli';
import { clusterName, kubeconfigPath } from './kind-cluster';
import { logged, mustRun, onPath, output, showTail } from './processes';
import {
  OPERATOR_SETTINGS,
  STANDIN_CHOICE,
  ensureBuildTools,
  ensureDockerEngine,
  ensureImages,
  ensureKind,
  ensureTofu,
  kindClusterSettings,
  obtainFlinkOperator,
  projectImageContexts,
  useEffectiveConfig,
  userConfig,
} from './setup-steps';
import { kindPlan } from '../kind-plan';

// What the pipeline's pods request on one node, with room for Kubernetes itself (docs/kubernetes.md).
const DEFAULT_MIN_ENGINE_MEMORY_MIB = 8192;
const JOB_POLL_MS = 10_000;

runCommand('kind-up', async (args) => {
  const stack = stackArgument(args, STACKS.filter((s) => s.target === 'k8s'));
  const userFile = userConfig();
  const cluster = clusterName();
  const timeoutS = Number(process.env.KIND_UP_TIMEOUT || 900);
  const minMemoryMib = Number(process.env.KIND_MIN_MEMORY_MIB || DEFAULT_MIN_ENGINE_MEMORY_MIB);
  const kubeconfig = kubeconfigPath();

  plan(8);
  nextStep('OpenTofu and providers');
  await ensureTofu();
  nextStep('JDK and Maven');
  await ensureBuildTools();
  nextStep('Docker engine');
  await ensureDockerEngine();
  nextStep('kind and kubectl');
  const { kind, kubectl, nodeImage } = await ensureKind();

  nextStep(`kind cluster ${cluster}`);
  if ((output(kind, ['get', 'clusters']) ?? '').split('\n').includes(cluster)) {
    const running = output('docker', ['inspect', '-f', '{{.Config.Image}}', `${cluster}-control-plane`]) ?? 'unknown';
    if (nodeImage && running !== nodeImage) {
      fail(`a kind cluster named ${cluster} already runs node image ${running}, not ${nodeImage}: delete it (npm run kind:down) or pick another name (KIND_CLUSTER=...)`);
    }
    progress(`reusing kind cluster ${cluster} (${running})`);
  } else {
    const memoryMib = Math.floor(Number(output('docker', ['info', '-f', '{{.MemTotal}}']) ?? 0) / 1048576);
    if (memoryMib < minMemoryMib) {
      fail(`the Docker engine has ${memoryMib} MiB of memory; a kind cluster with the ${stack.name} stack needs at least ${minMemoryMib} MiB (Docker Desktop: Settings, Resources)`);
    }
    const log = join(LOCAL_DIR, 'kind-create.log');
    progress(`creating kind cluster ${cluster} (log: ${log})`);
    const create = ['create', 'cluster', '--name', cluster, '--config', join(REPO_ROOT, 'deploy', 'kind', 'cluster.yaml'), '--kubeconfig', kubeconfig, '--wait', '180s'];
    if (nodeImage) create.push('--image', nodeImage);
    if ((await logged(kind, create, log)) !== 0) {
      showTail(log, 30);
      // Nothing half-created stays behind.
      output(kind, ['delete', 'cluster', '--name', cluster]);
      fail(`kind create cluster ${cluster} failed; its log is above and in ${log}`);
    }
  }
  if (output(kind, ['export', 'kubeconfig', '--name', cluster, '--kubeconfig', kubeconfig]) === undefined) {
    fail(`kind export kubeconfig --name ${cluster} failed: cannot write the cluster's context to ${kubeconfig}`);
  }
  writeFileSync(kindClusterSettings(stack.name), `kubernetes.kubeconfigPath=${kubeconfig}\nkubernetes.context=kind-${cluster}\n`);

  nextStep('images');
  await ensureImages(STANDIN_CHOICE);
  await obtainFlinkOperator();
  useEffectiveConfig(stack.name, userFile, [OPERATOR_SETTINGS, kindClusterSettings(stack.name)]);
  await projectImageContexts();
  let images;
  try {
    images = kindPlan();
  } catch (err) {
    return fail(`the configuration is not valid (LEADERBOARD_CONFIG=${userFile ?? 'unset'}): ${(err as Error).message}`);
  }
  const load: string[] = [];
  const buildLog = join(LOCAL_DIR, 'image-build.log');
  for (const image of images.images) {
    progress(`building ${image.ref}`);
    await mustRun(`docker build of ${image.ref}`, 'docker', ['build', '--quiet', '--build-arg', `BASE_IMAGE=${image.base}`, '-t', image.ref, image.context], buildLog);
    load.push(image.ref);
  }
  // Loaded when present locally (offline machines); otherwise the node pulls it.
  for (const ref of images.thirdParty) if (output('docker', ['image', 'inspect', ref]) !== undefined) load.push(ref);
  progress(`loading ${load.length} images into ${cluster} (only those it does not hold yet)`);
  await mustRun('kind load docker-image', kind, ['load', 'docker-image', '--name', cluster, ...load], join(LOCAL_DIR, 'kind-load.log'));

  nextStep(`cdktf deploy ${stack.name} (the operator, Kafka, the sinks, the Flink session and its jobs; minutes the first time)`);
  await cdktfDeploy(stack.name);

  nextStep('Flink jobs');
  const kubectlArgs = ['--kubeconfig', kubeconfig, '--context', `kind-${cluster}`, '-n', images.namespace];
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const states = (output(kubectl, [...kubectlArgs, 'get', 'flinksessionjobs', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.jobStatus.state}{" "}{end}']) ?? '').trim();
    const jobs = states ? states.split(/\s+/) : [];
    if (jobs.length > 0 && jobs.every((j) => j.endsWith('=RUNNING'))) {
      progress(`all ${jobs.length} Flink jobs run; check the stack with: npm run status -- ${stack.name}; tear the cluster down with: npm run kind:down`);
      break;
    }
    if (Date.now() >= deadline) {
      process.stderr.write(`${output(kubectl, [...kubectlArgs, 'get', 'flinkdeployments,flinksessionjobs,pods']) ?? ''}\n`);
      fail(`Flink jobs not all RUNNING after ${timeoutS}s: ${states || 'none'}`);
    }
    progress(`jobs: ${states || 'not created yet'}`);
    await new Promise((r) => setTimeout(r, JOB_POLL_MS));
  }
  if (!onPath('kubectl')) {
    progress(`kubectl is not on your PATH: use ${LOCAL_DIR}/bin/kubectl, e.g. export PATH="${LOCAL_DIR}/bin:$PATH"`);
  }
  const ns = images.namespace;
  process.stdout.write(
    `Dashboard: kubectl -n ${ns} port-forward svc/dashboard 8080:8080, then http://127.0.0.1:8080/\n` +
      `Flink UI:  kubectl -n ${ns} port-forward svc/leaderboard-flink-rest 8081:8081, then http://127.0.0.1:8081/\n`,
  );
});
