/**
 * `npm run status [-- STACK]`: what of a stack is deployed, each component's health, each Flink job's
 * state and consumer lag (records the job's Kafka source has not read yet), and the URLs. Exits 1
 * when something is unhealthy or missing, 2 on a usage error.
 */
import { execFileSync, spawn } from 'node:child_process';
import { jobsOf } from '../common/contract';
import { sourceMetricSum } from '../common/flink-metrics';
import { LeaderboardConfig } from '../stacks/config';
import { DEFAULT_STACK, STACK_NAMES } from '../stacks/stack-list';
import { KUBECTL, deployedConfig, kubectlArgs as stackKubectlArgs } from './cli/deployed-stack';

interface ComponentHealth {
  readonly name: string;
  readonly component: string;
  readonly state: string;
  readonly healthy: boolean;
}

interface JobHealth {
  readonly name: string;
  readonly state: string;
  /** Records in the input topic the job's source has not read yet; undefined when Flink reports none. */
  readonly lag?: number;
  readonly healthy: boolean;
}

interface StackHealth {
  readonly components: ComponentHealth[];
  readonly jobs: JobHealth[];
  readonly urls: Record<string, string>;
}

const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function expectedJobNames(config: LeaderboardConfig): string[] {
  return jobsOf(config.flink.jobLayout).map((j) => j.name);
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The `pendingRecords` of the job's source, as Flink's Kafka source reports it. */
function sourceLag(restUrl: string, jobId: string): Promise<number | undefined> {
  return sourceMetricSum((path) => getJson(`${restUrl}${path}`), jobId, (id) => id.endsWith('pendingRecords'));
}

/** The latest run of each expected job on the session cluster behind `restUrl`. */
async function flinkJobs(restUrl: string, expected: string[]): Promise<JobHealth[]> {
  let overview: { jobs: { jid: string; name: string; state: string; 'start-time': number }[] };
  try {
    overview = await getJson(`${restUrl}/jobs/overview`);
  } catch (err) {
    return expected.map((name) => ({ name, state: `Flink REST API unreachable (${(err as Error).message})`, healthy: false }));
  }
  return Promise.all(
    expected.map(async (name) => {
      const runs = overview.jobs.filter((j) => j.name === name).sort((a, b) => b['start-time'] - a['start-time']);
      if (runs.length === 0) return { name, state: 'not submitted', healthy: false };
      const latest = runs[0];
      const lag = latest.state === 'RUNNING' ? await sourceLag(restUrl, latest.jid).catch(() => undefined) : undefined;
      return { name, state: latest.state, lag, healthy: latest.state === 'RUNNING' };
    }),
  );
}

async function dockerStatus(stack: string, config: LeaderboardConfig): Promise<StackHealth> {
  const ids = run('docker', ['ps', '-aq', '--filter', `label=leaderboard.stack=${stack}`]).split('\n').filter(Boolean);
  const components = ids.map((id): ComponentHealth => {
    const [name, component, status, exitCode, restart, health] = run('docker', [
      'inspect',
      '--format',
      '{{.Name}}|{{index .Config.Labels "leaderboard.component"}}|{{.State.Status}}|{{.State.ExitCode}}|{{.HostConfig.RestartPolicy.Name}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}',
      id,
    ]).split('|');
    // One-shot containers (topic creation, a finite injector) are done when they exited 0.
    const oneShot = restart === 'no' || restart === 'on-failure';
    if (oneShot && status === 'exited') {
      return { name: name.slice(1), component, state: exitCode === '0' ? 'completed' : `failed (exit ${exitCode})`, healthy: exitCode === '0' };
    }
    const state = health ? `${status} (${health})` : status;
    return { name: name.slice(1), component, state, healthy: status === 'running' && (health === '' || health === 'healthy') };
  });
  const { uiPort, uiBindAddress } = config.flink;
  const flinkUrl = uiPort === null ? undefined : `http://${uiBindAddress}:${uiPort}`;
  const urls = {
    dashboard: `http://${config.expose.bindAddress}:${config.dashboard.port}/`,
    // Unpublished, the jobs are still watched: the submitter container is healthy only while every job runs.
    'Flink UI': flinkUrl ? `${flinkUrl}/` : 'not published (flink.uiPort is null)',
  };
  const jobs = components.length === 0 || !flinkUrl ? [] : await flinkJobs(flinkUrl, expectedJobNames(config));
  return { components, jobs, urls };
}

async function k8sStatus(config: LeaderboardConfig): Promise<StackHealth> {
  const { namespace } = config.kubernetes;
  const kubectlArgs = stackKubectlArgs(config);
  const kubectl = (...args: string[]): string => run(KUBECTL, [...kubectlArgs, ...args]);
  const pods = JSON.parse(kubectl('get', 'pods', '-o', 'json')) as {
    items: { metadata: { name: string; labels?: Record<string, string> }; status: { phase: string; containerStatuses?: { ready: boolean }[] } }[];
  };
  const components = pods.items.map((pod): ComponentHealth => {
    const ready = (pod.status.containerStatuses ?? []).every((c) => c.ready);
    const labels = pod.metadata.labels ?? {};
    // The operator's and Flink's own pods carry their charts' labels, not the stack's.
    const component = labels['leaderboard.component'] ?? labels.component ?? labels['app.kubernetes.io/name'] ?? '';
    if (pod.status.phase === 'Succeeded') return { name: pod.metadata.name, component, state: 'completed', healthy: true };
    return { name: pod.metadata.name, component, state: ready ? pod.status.phase : `${pod.status.phase} (not ready)`, healthy: pod.status.phase === 'Running' && ready };
  });
  const sessionJobs = JSON.parse(kubectl('get', 'flinksessionjobs', '-o', 'json')) as {
    items: { metadata: { name: string }; status?: { jobStatus?: { state?: string; jobId?: string } } }[];
  };
  // Lag comes from the Flink REST API, reached through a short-lived port-forward.
  const forward = spawn(KUBECTL, [...kubectlArgs, 'port-forward', 'svc/leaderboard-flink-rest', ':8081'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const localPort = await new Promise<number | undefined>((done) => {
    const timer = setTimeout(() => done(undefined), 10_000);
    forward.stdout.on('data', (chunk: Buffer) => {
      const match = /127\.0\.0\.1:(\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    });
  });
  try {
    const jobs = await Promise.all(
      sessionJobs.items.map(async (job): Promise<JobHealth> => {
        const state = job.status?.jobStatus?.state ?? 'no status yet';
        const jobId = job.status?.jobStatus?.jobId;
        const lag = localPort && jobId && state === 'RUNNING' ? await sourceLag(`http://127.0.0.1:${localPort}`, jobId).catch(() => undefined) : undefined;
        return { name: job.metadata.name, state, lag, healthy: state === 'RUNNING' };
      }),
    );
    const ns = `-n ${namespace}`;
    const urls = {
      dashboard: `kubectl ${ns} port-forward svc/dashboard ${config.dashboard.port}:8080, then http://127.0.0.1:${config.dashboard.port}/`,
      'Flink UI': `kubectl ${ns} port-forward svc/leaderboard-flink-rest ${config.flink.uiPort ?? 8081}:8081, then http://127.0.0.1:${config.flink.uiPort ?? 8081}/`,
    };
    return { components, jobs, urls };
  } finally {
    forward.kill();
  }
}

function print(stack: string, health: StackHealth): boolean {
  const mark = (healthy: boolean): string => (healthy ? 'ok  ' : 'FAIL');
  const lines = [`stack ${stack}`];
  if (health.components.length === 0) lines.push('  nothing deployed');
  for (const c of health.components) lines.push(`  ${mark(c.healthy)} ${c.component.padEnd(12)} ${c.name.padEnd(36)} ${c.state}`);
  for (const j of health.jobs) {
    const lag = j.lag === undefined ? '' : `  lag ${j.lag} records`;
    lines.push(`  ${mark(j.healthy)} flink job    ${j.name.padEnd(36)} ${j.state}${lag}`);
  }
  for (const [what, url] of Object.entries(health.urls)) lines.push(`  ${what}: ${url}`);
  console.log(lines.join('\n'));
  return health.components.length > 0 && [...health.components, ...health.jobs].every((x) => x.healthy);
}

async function main(): Promise<number> {
  const stack = process.argv[2] ?? DEFAULT_STACK;
  if (!STACK_NAMES.includes(stack)) {
    process.stderr.write(`unknown stack '${stack}'; stacks: ${STACK_NAMES.join(', ')}\n`);
    return 2;
  }
  const config = deployedConfig(stack);
  const health = stack.startsWith('docker-') ? await dockerStatus(stack, config) : await k8sStatus(config);
  return print(stack, health) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`status: ${err.message}\n`);
    process.exit(1);
  },
);
