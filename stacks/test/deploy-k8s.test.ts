/**
 * The Kubernetes stacks for real: `cdktf deploy` of k8s-jdbc then k8s-kafka to a real single-node
 * cluster (scripts/offline/k8s-cluster.sh: etcd, the control plane, kubelet, its own containerd),
 * Flink run by the Flink Kubernetes Operator built from its release source, a finite deterministic
 * injector run, and the leaderboards checked against the oracle on the events actually in `user-score`;
 * for k8s-jdbc also after a deleted TaskManager, JobManager and Kafka pod (each followed by a probe
 * event the boards must show; the Flink faults must restore the same jobs from a checkpoint).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INPUT_PARTITIONS, Leaderboards, jobsOf } from '../../common/contract';
import { PROJECT_IMAGE_NAMES, buildContextDir, projectImageRef } from '../../constructs/images';
import { FLINK_IMAGE } from '../../constructs/flink-session';
import { SESSION_DEPLOYMENT_NAME } from '../../constructs/k8s/flink-session';
import { DEFAULT_CONFIG } from '../config';
import { cdktf } from '../../test-support/cdktf-cli';
import { expectDashboardShows, expectSinksEqualOracle, imageContextsCheck, produceProbe, standinImagesConfig, waitFor } from '../../test-support/deploy-checks';
import { operatorCheck, operatorSetup } from '../../test-support/flink-operator';
import { K8sCluster, ensureCluster, importImages, k8sClusterCheck } from '../../test-support/k8s-cluster';
import { readKafkaBoards, readPostgresBoards } from '../../test-support/leaderboard-readers';
import { describeWith } from '../../test-support/prerequisites';
import { tofuCheck } from '../../test-support/tofu';

const root = resolve(__dirname, '..', '..');
const outputDir = join(root, 'test-output');
const EVENTS = 20_000;
const DASHBOARD_FORWARD_PORT = 18180;

interface FlinkJobState { state: string; restoredAt: number }

describeWith([k8sClusterCheck, tofuCheck, imageContextsCheck, operatorCheck])('cdktf deploy to a real Kubernetes cluster', () => {
  const work = mkdtempSync(join(tmpdir(), 'leaderboard-k8s-deploy-'));
  mkdirSync(outputDir, { recursive: true });
  const timings: Record<string, number> = {};
  let cluster: K8sCluster;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await ensureCluster();
    timings['cluster up'] = (Date.now() - started) / 1000;
    const standins = standinImagesConfig();
    const node = standins.node ?? DEFAULT_CONFIG.images.node;
    const base = { flink: standins.flinkBase ?? DEFAULT_CONFIG.images.flinkBase, injector: node, dashboard: node };
    const built = Date.now();
    for (const name of PROJECT_IMAGE_NAMES) {
      execFileSync('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${base[name]}`, '-t', projectImageRef(name), buildContextDir(name)], { stdio: 'ignore' });
    }
    const operator = operatorSetup()['images.flinkOperator'];
    await importImages([...PROJECT_IMAGE_NAMES.map((n) => projectImageRef(n)), standins.kafka ?? DEFAULT_CONFIG.images.kafka, standins.postgres ?? DEFAULT_CONFIG.images.postgres, operator]);
    timings['images built and imported'] = (Date.now() - built) / 1000;
  }, 30 * 60_000);

  afterAll(() => process.stderr.write(`  [smoke] timings (s): ${JSON.stringify(timings)}\n`));

  describe.each(['k8s-jdbc', 'k8s-kafka'] as const)('%s', (stack) => {
    const sink = stack === 'k8s-jdbc' ? 'jdbc' : 'kafka';
    const namespace = `lb-${stack}`;
    // The Kafka stack runs scaled out: a quorum of three brokers, two TaskManagers (a quarter of a core
    // each, so all fits the one node), every job at parallelism 2 under the operator's autoscaler.
    const scaledOut = sink === 'kafka';
    const configFile = join(work, `${stack}.json`);
    const env = { LEADERBOARD_CONFIG: configFile, LEADERBOARD_STATE_DIR: work };
    const cli = (...args: string[]) => cdktf([...args, stack, '--output', join(work, `${stack}.out`)], env, 25 * 60_000);
    const kubectlAll = (...args: string[]): string =>
      execFileSync(cluster.kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, ...args], { encoding: 'utf8', timeout: 60_000 }).trim();
    const kubectl = (...args: string[]): string => kubectlAll('-n', namespace, ...args);
    let deployed = false;
    let deployOk = false;
    let expected: Leaderboards;
    const requireDeploy = (): void => {
      if (!deployOk) throw new Error(`${stack} did not deploy`);
    };

    /** Pods that are not running or ready, with their events and last log lines, so a red run says why. */
    const diagnostics = (): string => {
      try {
        const summary = kubectl('get', 'pods,flinkdeployments,flinksessionjobs,pvc', '-o', 'wide');
        const pods = JSON.parse(kubectl('get', 'pods', '-o', 'json')) as {
          items: { metadata: { name: string }; status: { phase: string; containerStatuses?: { ready: boolean }[] } }[];
        };
        const bad = pods.items.filter((p) => p.status.phase !== 'Succeeded' && !(p.status.containerStatuses ?? []).every((c) => c.ready));
        const details = bad.map((p) => {
          let logs = '';
          try {
            logs = kubectl('logs', '--all-containers', '--tail', '60', p.metadata.name);
          } catch (err) {
            logs = (err as Error).message;
          }
          return `--- ${p.metadata.name}\n${kubectl('describe', 'pod', p.metadata.name).split('\n').slice(-25).join('\n')}\n${logs}`;
        });
        return [summary, ...details].join('\n');
      } catch (err) {
        return `diagnostics failed: ${(err as Error).message}`;
      }
    };

    const clusterIp = (service: string): string => kubectl('get', 'svc', service, '-o', 'jsonpath={.spec.clusterIP}');
    // A broker advertises its Service name, which only the cluster resolves; the host dials the ClusterIP.
    const kafkaAccess = () => {
      const dial = Object.fromEntries((scaledOut ? ['kafka', 'kafka-2', 'kafka-3'] : ['kafka']).map((broker) => [broker, clusterIp(broker)]));
      return { bootstrapServers: `${dial.kafka}:9092`, dial };
    };
    const readBoards = (): Promise<Leaderboards> => (sink === 'jdbc'
      ? readPostgresBoards(`postgres://leaderboard_admin:${secret('postgres-passwords', 'admin')}@${clusterIp('postgres')}:5432/leaderboard`)
      : readKafkaBoards(kafkaAccess()));
    const oracleCheck = (label: string, started: number): Promise<Leaderboards> =>
      expectSinksEqualOracle({
        kafka: kafkaAccess(),
        inputTopic: DEFAULT_CONFIG.inputTopic,
        inputPartitions: INPUT_PARTITIONS,
        injectedEvents: EVENTS,
        readBoards,
        diagnostics,
        timings,
        label,
        started,
      });
    const sessionJobsRunning = (): boolean => {
      const jobs = JSON.parse(kubectl('get', 'flinksessionjobs', '-o', 'json')) as { items: { status?: { jobStatus?: { state?: string } } }[] };
      return jobs.items.length > 0 && jobs.items.every((j) => j.status?.jobStatus?.state === 'RUNNING');
    };

    beforeAll(() => {
      const operator = operatorSetup();
      writeFileSync(
        configFile,
        JSON.stringify({
          injector: { enabled: true, maxEvents: EVENTS, seed: 20261126, eventsPerSecond: 2000 },
          ...(scaledOut
            ? {
              kafka: { brokers: 3 },
              flink: { taskManagers: 2, taskSlots: 1, parallelism: 2, taskManagerCpuMillis: 250, autoscaler: { enabled: true } },
            }
            : {}),
          images: { ...standinImagesConfig(), flinkOperator: operator['images.flinkOperator'] },
          kubernetes: { namespace, kubeconfigPath: cluster.kubeconfigPath, operatorChart: operator['kubernetes.operatorChart'] },
        }),
      );
    });

    afterAll(async () => {
      if (!deployed) return;
      const left = kubectlAll('get', 'namespace', namespace, '--ignore-not-found', '-o', 'name');
      if (left !== '') {
        process.stderr.write(diagnostics());
        await cli('destroy', '--auto-approve').catch((err) => process.stderr.write(`destroy after failure: ${err}\n`));
      }
    }, 20 * 60_000);

    it('deploys', async () => {
      deployed = true;
      try {
        timings[`${stack} deploy`] = (await cli('deploy', '--auto-approve')).seconds;
        deployOk = true;
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${diagnostics()}`);
      }
    }, 30 * 60_000);

    it('runs the session FlinkDeployment and every FlinkSessionJob through the operator', async () => {
      requireDeploy();
      const started = Date.now();
      const names = jobsOf(DEFAULT_CONFIG.flink.jobLayout).map((j) => j.name).sort();
      try {
        await waitFor('the FlinkDeployment to be READY and every FlinkSessionJob RUNNING', 10 * 60_000, async () => {
          const deployment = kubectl('get', 'flinkdeployments', '-o', 'jsonpath={.items[*].status.jobManagerDeploymentStatus}');
          const jobs = JSON.parse(kubectl('get', 'flinksessionjobs', '-o', 'json')) as {
            items: { metadata: { name: string }; status?: { jobStatus?: { state?: string } } }[];
          };
          const running = jobs.items.filter((j) => j.status?.jobStatus?.state === 'RUNNING').map((j) => j.metadata.name).sort();
          return deployment === 'READY' && JSON.stringify(running) === JSON.stringify(names) ? true : undefined;
        });
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${diagnostics()}`);
      }
      timings[`${stack} jobs running`] = (Date.now() - started) / 1000;
    }, 12 * 60_000);

    if (scaledOut) {
      it('runs scaled out: three brokers, two TaskManager pods, the autoscaler on every job, disruption budgets', () => {
        requireDeploy();
        const running = (selector: string): number =>
          kubectl('get', 'pods', '-l', selector, '--field-selector', 'status.phase=Running', '-o', 'name').split('\n').filter(Boolean).length;
        expect(running('leaderboard.replica-group=kafka-brokers')).toBe(3);
        expect(running('component=taskmanager,type=flink-native-kubernetes')).toBe(2);
        const jobs = JSON.parse(kubectl('get', 'flinksessionjobs', '-o', 'json')) as {
          items: { spec: { flinkConfiguration?: Record<string, string>; job: { parallelism: number; upgradeMode: string } } }[];
        };
        for (const job of jobs.items) {
          expect(job.spec.flinkConfiguration?.['job.autoscaler.enabled']).toBe('true');
          expect(job.spec.job).toMatchObject({ parallelism: 2, upgradeMode: 'savepoint' });
        }
        expect(kubectl('get', 'poddisruptionbudgets', '-o', 'name').split('\n').sort()).toEqual([
          'poddisruptionbudget.policy/kafka-brokers',
          `poddisruptionbudget.policy/${SESSION_DEPLOYMENT_NAME}-taskmanagers`,
        ]);
      });
    }

    it('computes every board equal to the oracle on the events in user-score', async () => {
      requireDeploy();
      const started = Date.now();
      await waitFor('the injector Job to finish its finite run', 8 * 60_000, async () => {
        const status = kubectl('get', 'job', 'injector', '-o', 'jsonpath={.status.succeeded}/{.status.failed}');
        if (status.startsWith('1/')) return true;
        if (/\/[1-9]/.test(status)) throw new Error(`injector job failed: ${status}`);
        return undefined;
      });
      expected = await oracleCheck(stack, started);
    }, 15 * 60_000);

    it('serves the same boards on the dashboard, through kubectl port-forward, and renders them in a browser', async () => {
      requireDeploy();
      const forward: ChildProcess = spawn(cluster.kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, 'port-forward', 'svc/dashboard', `${DASHBOARD_FORWARD_PORT}:8080`], { stdio: 'ignore' });
      try {
        await expectDashboardShows(`http://127.0.0.1:${DASHBOARD_FORWARD_PORT}`, expected, join(outputDir, `${stack}-dashboard.png`));
      } finally {
        forward.kill();
      }
    }, 5 * 60_000);

    /** The session's jobs by id, with when each last restored from a checkpoint (0: never). */
    const flinkJobs = async (): Promise<Map<string, FlinkJobState>> => {
      const rest = `http://${clusterIp(`${SESSION_DEPLOYMENT_NAME}-rest`)}:${FLINK_IMAGE.restPort}`;
      const overview = (await (await fetch(`${rest}/jobs/overview`)).json()) as { jobs: { jid: string; state: string }[] };
      const jobs = new Map<string, FlinkJobState>();
      for (const job of overview.jobs) {
        const stats = (await (await fetch(`${rest}/jobs/${job.jid}/checkpoints`)).json()) as { latest?: { restored?: { restore_timestamp: number } } };
        jobs.set(job.jid, { state: job.state, restoredAt: stats.latest?.restored?.restore_timestamp ?? 0 });
      }
      return jobs;
    };

    (sink === 'jdbc' ? it : it.skip)('recovers from a deleted TaskManager, JobManager and Kafka pod: jobs restored from checkpoints, a later event on the boards', async () => {
      requireDeploy();
      const faults = [
        { fault: 'TaskManager pod deleted', selector: 'component=taskmanager,type=flink-native-kubernetes', restoresJobs: true },
        { fault: 'JobManager pod deleted', selector: 'component=jobmanager,type=flink-native-kubernetes', restoresJobs: true },
        { fault: 'Kafka pod deleted', selector: 'app.kubernetes.io/name=kafka', restoresJobs: false },
      ];
      for (const { fault, selector, restoresJobs } of faults) {
        const jobIds = [...(await flinkJobs()).entries()].filter(([, j]) => j.state === 'RUNNING').map(([id]) => id).sort();
        expect(jobIds.length).toBeGreaterThan(0);
        const started = Date.now();
        const before = kubectl('get', 'pods', '-l', selector, '-o', 'jsonpath={.items[*].metadata.uid}').split(' ').filter(Boolean);
        expect(before.length).toBeGreaterThan(0);
        kubectl('delete', 'pod', '-l', selector, '--wait=false');
        try {
          await waitFor(`a new pod for: ${fault}`, 5 * 60_000, async () => {
            const pods = JSON.parse(kubectl('get', 'pods', '-l', selector, '-o', 'json')) as {
              items: { metadata: { uid: string }; status: { containerStatuses?: { ready: boolean }[] } }[];
            };
            const fresh = pods.items.filter((p) => !before.includes(p.metadata.uid));
            return fresh.length > 0 && fresh.every((p) => (p.status.containerStatuses ?? []).every((c) => c.ready) && (p.status.containerStatuses ?? []).length > 0) ? true : undefined;
          });
          await waitFor(`every FlinkSessionJob RUNNING after: ${fault}`, 5 * 60_000, async () => (sessionJobsRunning() ? true : undefined));
          if (restoresJobs) {
            // The same jobs (a resubmission would have new ids), each restored from a checkpoint taken
            // before the fault rather than started from the earliest offset.
            await waitFor(`the same jobs RUNNING, restored from a checkpoint, after: ${fault}`, 5 * 60_000, async () => {
              const jobs = await flinkJobs().catch(() => new Map<string, FlinkJobState>());
              const restored = [...jobs.entries()].filter(([, j]) => j.state === 'RUNNING' && j.restoredAt >= started).map(([id]) => id).sort();
              return JSON.stringify(restored) === JSON.stringify(jobIds) ? true : undefined;
            });
          }
          await probe();
          await oracleCheck(fault, started);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n${diagnostics()}`);
        }
        timings[`${stack} ${fault}: recovered`] = (Date.now() - started) / 1000;
      }
    }, 20 * 60_000);

    it('changes nothing on a second deploy', async () => {
      requireDeploy();
      const diff = await cli('diff');
      expect(diff.output).toMatch(/No changes/);
    }, 10 * 60_000);

    it('destroys the namespace with every custom resource, claim and Helm release in it', async () => {
      timings[`${stack} destroy`] = (await cli('destroy', '--auto-approve')).seconds;
      const all = (kind: string): string => kubectlAll('get', kind, '-A', '-o', 'name', '--ignore-not-found');
      await waitFor(`namespace ${namespace} to be gone`, 5 * 60_000, async () => (all('namespaces').split('\n').includes(`namespace/${namespace}`) ? undefined : true));
      expect(all('flinkdeployments')).toBe('');
      expect(all('flinksessionjobs')).toBe('');
      expect(all('pvc')).toBe('');
      expect(all('secrets').split('\n').filter((s) => s.includes('sh.helm.release'))).toEqual([]);
    }, 15 * 60_000);

    let probes = 0;
    /** A new Top Players #1 after every event in user-score, so the boards change only if the pipeline runs. */
    const probe = (): Promise<void> => produceProbe(kafkaAccess(), DEFAULT_CONFIG.inputTopic, ++probes);

    function secret(name: string, key: string): string {
      const value = Buffer.from(kubectl('get', 'secret', name, '-o', `jsonpath={.data.${key}}`), 'base64').toString('utf8');
      return encodeURIComponent(value);
    }
  });
});
