/**
 * Kubernetes on kind, as docs/kubernetes.md writes it, on a fresh clone: `npm run kind:up` (k8s-jdbc),
 * `npm run status -- k8s-jdbc`, the docs' port-forward and `bash scripts/kind-smoke.sh` run literally;
 * then the boards equal the oracle on the events in `user-score`, the dashboard through that
 * port-forward shows them in a browser, the session comes back from a deleted TaskManager, JobManager
 * and Kafka pod (the Flink ones restoring the same jobs from checkpoints), a second `kind:up` changes
 * nothing and `npm run destroy -- k8s-jdbc` leaves nothing of the stack. Then k8s-kafka, scaled out
 * (three brokers, two TaskManagers, the autoscaler), in a namespace of its own on the same cluster,
 * with a finite seeded injector run writing Avro through the stack's schema registry; and `npm run kind:down` leaves no cluster, container, network or
 * volume behind.
 *
 * The clone is of the committed HEAD. The test reaches Kafka and PostgreSQL inside the cluster through
 * routes to the node (test-support/kind.ts), and the dashboard as a user does, through the port-forward.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INPUT_PARTITIONS, Leaderboards, jobsOf } from '../../common/contract';
import { FLINK_IMAGE } from '../../constructs/flink-session';
import { DASHBOARD_PORT } from '../../constructs/dashboard';
import { SESSION_DEPLOYMENT_NAME } from '../../constructs/k8s/flink-session';
import { DEFAULT_CONFIG } from '../config';
import { chromiumCheck } from '../../test-support/browser';
import { documentedCommand, ERROR_LINE, runLine, Run, startLine, userEnv } from '../../test-support/commands';
import { dockerEngineCheck, expectDashboardServes, expectDashboardShows, expectSinksEqualOracle, produceProbe, waitFor } from '../../test-support/deploy-checks';
import { RegistryRequest, avroBoards, avroInput, registryInContainer } from '../../test-support/input-codecs';
import { KindCluster, kindCheck, kindTools } from '../../test-support/kind';
import { readKafkaBoards, readPostgresBoards } from '../../test-support/leaderboard-readers';
import { commandExists, describeWith } from '../../test-support/prerequisites';
import { tempDir } from '../../test-support/temp-dirs';

const root = resolve(__dirname, '..', '..');
const DOCS = join(root, 'docs', 'kubernetes.md');
const outputDir = join(root, 'test-output');
// A name of the test's own (kind:up takes KIND_CLUSTER), so a user's `leaderboard` cluster is never touched.
const CLUSTER = 'leaderboard-docs-test';
const KAFKA_EVENTS = 20_000;

interface FlinkJobState { state: string; restoredAt: number }

const docsCommand = (what: RegExp): string => documentedCommand(DOCS, what);
const kindContainers = (): string =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${CLUSTER}`], { encoding: 'utf8' }).trim();
const dockerVolumes = (): string[] => execFileSync('docker', ['volume', 'ls', '-q'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();

describeWith([commandExists('git'), dockerEngineCheck, kindCheck, chromiumCheck])('Kubernetes on kind, as docs/kubernetes.md writes it', () => {
  const clone = join(tempDir('kind'), 'leaderboard-stack');
  const env = { ...userEnv(), KIND_CLUSTER: CLUSTER };
  const timings: Record<string, number> = {};
  const volumesBefore = dockerVolumes();
  let cluster: KindCluster | undefined;
  let unroute: (() => void) | undefined;
  let up: Run | undefined;

  const run = async (line: string, timeoutMs: number, extraEnv: Record<string, string> = {}): Promise<Run> => {
    const result = await runLine(clone, line, { ...env, ...extraEnv }, timeoutMs);
    const runs = Object.keys(timings).filter((k) => k === line || k.startsWith(`${line} #`)).length;
    timings[runs === 0 ? line : `${line} #${runs + 1}`] = result.seconds;
    return result;
  };
  const expectClean = (result: Run): void => {
    expect({ code: result.code, tail: result.stderr.slice(-3000) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(result.stdout + result.stderr).not.toMatch(ERROR_LINE);
  };
  const requireUp = (): KindCluster => {
    if (!cluster) throw new Error('npm run kind:up did not bring the stack up');
    return cluster;
  };

  beforeAll(() => {
    mkdirSync(outputDir, { recursive: true });
    execFileSync('git', ['clone', '-q', root, clone]);
    // Left by an earlier run that was killed: the first kind:up must create the cluster.
    if (kindContainers() !== '') execFileSync(kindTools()!.kind, ['delete', 'cluster', '--name', CLUSTER], { stdio: 'ignore', timeout: 5 * 60_000 });
  }, 6 * 60_000);

  afterAll(async () => {
    unroute?.();
    process.stderr.write(`  [kind] timings (s): ${JSON.stringify(timings)}\n`);
    if (kindContainers() !== '') await runLine(clone, 'npm run kind:down', env, 10 * 60_000);
  }, 15 * 60_000);

  /** One stack's checks, on the cluster kind:up made, in `namespace`. */
  const stackChecks = (sink: 'jdbc' | 'kafka', namespace: string) => {
    const kubectl = (...args: string[]): string => requireUp().kubectlSync('-n', namespace, ...args);
    const clusterIp = (service: string): string => kubectl('get', 'svc', service, '-o', 'jsonpath={.spec.clusterIP}');
    // The Kafka stack runs a quorum of three brokers (below), the JDBC one the default single broker.
    const brokers = sink === 'kafka' ? ['kafka', 'kafka-2', 'kafka-3'] : ['kafka'];
    // A broker advertises its Service name, which only the cluster resolves; the host dials the ClusterIP.
    const kafkaAccess = () => {
      const dial = Object.fromEntries(brokers.map((broker) => [broker, clusterIp(broker)]));
      return { bootstrapServers: `${dial.kafka}:9092`, dial };
    };
    const secret = (name: string, key: string): string =>
      encodeURIComponent(Buffer.from(kubectl('get', 'secret', name, '-o', `jsonpath={.data.${key}}`), 'base64').toString('utf8'));
    const readBoards = (avro: RegistryRequest | undefined): Promise<Leaderboards> =>
      sink === 'jdbc'
        ? readPostgresBoards(`postgres://leaderboard_admin:${secret('postgres-passwords', 'admin')}@${clusterIp('postgres')}:5432/leaderboard`)
        : readKafkaBoards(kafkaAccess(), avro && avroBoards(avro));
    const diagnostics = (): string => {
      try {
        return kubectl('get', 'pods,flinkdeployments,flinksessionjobs,pvc', '-o', 'wide');
      } catch (err) {
        return `diagnostics failed: ${(err as Error).message}`;
      }
    };
    /** With `avro`, the registry of a stack on Avro: its input and (on Kafka) its boards are read through it. */
    const oracleCheck = async (label: string, started: number, injectedEvents: number, avro?: RegistryRequest): Promise<Leaderboards> =>
      expectSinksEqualOracle({
        kafka: kafkaAccess(),
        input: avro && (await avroInput(avro, DEFAULT_CONFIG.inputTopic)),
        inputTopic: DEFAULT_CONFIG.inputTopic,
        inputPartitions: INPUT_PARTITIONS,
        injectedEvents,
        readBoards: () => readBoards(avro),
        diagnostics,
        timings,
        label,
        started,
      });
    const sessionJobsRunning = (): boolean => {
      const jobs = JSON.parse(kubectl('get', 'flinksessionjobs', '-o', 'json')) as { items: { status?: { jobStatus?: { state?: string } } }[] };
      return jobs.items.length > 0 && jobs.items.every((j) => j.status?.jobStatus?.state === 'RUNNING');
    };
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
    let probes = 0;
    /** A new Top Players #1 after every event in user-score, so the boards change only if the pipeline runs. */
    const probe = (): Promise<void> => produceProbe(kafkaAccess(), DEFAULT_CONFIG.inputTopic, ++probes);
    return { kubectl, clusterIp, oracleCheck, sessionJobsRunning, flinkJobs, probe, diagnostics };
  };

  describe('bad input: one line, a non-zero exit status, nothing created', () => {
    const kindUp = docsCommand(/^npm run kind:up$/);
    const refuses = async (extraEnv: Record<string, string>, message: string): Promise<void> => {
      const result = await run(kindUp, 15 * 60_000, extraEnv);
      expect(result.code).not.toBe(0);
      const errors = result.stderr.split('\n').filter((l) => l.includes('"level":"error"'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
      expect(kindContainers()).toBe('');
    };

    it('no Docker engine where DOCKER_HOST points', async () => {
      await refuses({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, 'the Docker engine at DOCKER_HOST=unix:///nonexistent/docker.sock does not answer');
    }, 15 * 60_000);

    it('too little memory for the engine', async () => {
      await refuses({ KIND_MIN_MEMORY_MIB: '100000000' }, 'a kind cluster with the k8s-jdbc stack needs at least 100000000 MiB');
    }, 15 * 60_000);

    // Online kind picks its own default node image, so only the offline set-up knows which one to expect.
    (kindTools()?.nodeImage ? it : it.skip)('a cluster of the same name running another node image', async () => {
      // What kind lists as a cluster: a node container carrying its cluster label.
      const other = `${CLUSTER}-control-plane`;
      execFileSync('docker', ['run', '-d', '--name', other, '--label', `io.x-k8s.kind.cluster=${CLUSTER}`, '--entrypoint', 'sleep', `leaderboard-standin/debian:bookworm`, 'infinity'], { stdio: 'ignore' });
      try {
        const result = await run(kindUp, 15 * 60_000);
        expect(result.code).toBe(1);
        const errors = result.stderr.split('\n').filter((l) => l.includes('"level":"error"'));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain(`a kind cluster named ${CLUSTER} already runs node image leaderboard-standin/debian:bookworm`);
      } finally {
        execFileSync('docker', ['rm', '-f', other], { stdio: 'ignore' });
      }
    }, 15 * 60_000);
  });

  describe('k8s-jdbc with `npm run kind:up`', () => {
    const jdbc = stackChecks('jdbc', DEFAULT_CONFIG.kubernetes.namespace);
    let expected: Leaderboards;

    it('creates the cluster, deploys the stack and waits until its Flink jobs run', async () => {
      up = await run(docsCommand(/^npm run kind:up$/), 40 * 60_000);
      expectClean(up);
      expect(up.stderr).toContain(`creating kind cluster ${CLUSTER}`);
      expect(up.stdout).toMatch(/^Dashboard: kubectl -n leaderboard port-forward svc\/dashboard 8080:8080/m);
      cluster = KindCluster.existing(CLUSTER);
      unroute = cluster.routeFromHost();
      await cluster.admitHost(DEFAULT_CONFIG.kubernetes.namespace);
      const names = jobsOf(DEFAULT_CONFIG.flink.jobLayout).map((j) => j.name).sort();
      const running = JSON.parse(jdbc.kubectl('get', 'flinksessionjobs', '-o', 'json')) as { items: { metadata: { name: string }; status?: { jobStatus?: { state?: string } } }[] };
      expect(running.items.filter((j) => j.status?.jobStatus?.state === 'RUNNING').map((j) => j.metadata.name).sort()).toEqual(names);
      expect(jdbc.kubectl('get', 'flinkdeployments', '-o', 'jsonpath={.items[*].status.jobManagerDeploymentStatus}')).toBe('READY');
    }, 40 * 60_000);

    it('admits only restricted pods into the namespace: a privileged root pod is refused', () => {
      requireUp();
      const pod = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'privileged-probe', namespace: DEFAULT_CONFIG.kubernetes.namespace },
        spec: { containers: [{ name: 'probe', image: 'leaderboard-standin/debian:bookworm', command: ['true'], securityContext: { privileged: true, runAsUser: 0 } }] },
      });
      const create = spawnSync(kindTools()!.kubectl, ['--kubeconfig', requireUp().kubeconfigPath, '--context', requireUp().context, 'create', '-f', '-'], { input: pod, encoding: 'utf8' });
      expect(create.status).not.toBe(0);
      expect(create.stderr).toContain('violates PodSecurity "restricted:latest"');
    });

    it('`npm run status -- k8s-jdbc` reports every component and job healthy', async () => {
      requireUp();
      const status = await run(docsCommand(/^npm run status -- k8s-jdbc$/), 120_000);
      expect({ code: status.code, stdout: status.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/ok +flink job +leaderboard-all-metrics +RUNNING/) });
    }, 180_000);

    it('the docs\' smoke check finds rows on every board', async () => {
      requireUp();
      expectClean(await run(docsCommand(/^bash scripts\/kind-smoke\.sh$/), 12 * 60_000));
    }, 13 * 60_000);

    it('`npm run psql -- k8s-jdbc` queries the boards in the PostgreSQL pod as the read-only role', async () => {
      requireUp();
      const query = await run(docsCommand(/^npm run psql -- k8s-jdbc -c /), 120_000);
      expectClean(query);
      const count = /^ +players *\n-+\n +(\d+) *$/m.exec(query.stdout);
      expect({ stdout: query.stdout, filled: Number(count?.[1] ?? 0) > 0 }).toEqual({ stdout: expect.any(String), filled: true });
      const write = await run("npm run --silent psql -- k8s-jdbc -c 'TRUNCATE leaderboard.top_players'", 120_000);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toContain('ERROR:  cannot execute TRUNCATE TABLE in a read-only transaction');
    }, 5 * 60_000);

    it('`npm run sql -- k8s-jdbc` queries the input in the sql-client pod, which reaches the Flink REST API and nothing else', async () => {
      const c = requireUp();
      const query = await run(docsCommand(/^echo ".*" \| npm run sql -- k8s-jdbc$/), 5 * 60_000);
      expectClean(query);
      expect(query.stdout).toMatch(/^Received a total of 3 rows/m);
      const ns = DEFAULT_CONFIG.kubernetes.namespace;
      // The Flink image has bash, not node: bash's /dev/tcp, given 5 s to connect.
      const probe = (host: string, port: number): string =>
        c.kubectlSync('-n', ns, 'exec', 'statefulset/sql-client', '--', 'bash', '-c',
          `timeout 5 bash -c 'exec 3<>/dev/tcp/${host}.${ns}.svc.cluster.local/${port}' 2>/dev/null && echo open || echo blocked`).split('\n').pop()!;
      expect({ flinkRest: probe(`${SESSION_DEPLOYMENT_NAME}-rest`, 8081), postgres: probe('postgres', 5432), kafka: probe('kafka', 9092) })
        .toEqual({ flinkRest: 'open', postgres: 'blocked', kafka: 'blocked' });
    }, 8 * 60_000);

    it('enforces the network policies both ways: undeclared connections refused, from another namespace and inside this one', async () => {
      const c = requireUp();
      const ns = DEFAULT_CONFIG.kubernetes.namespace;
      const svc = (name: string, port: number) => ({ host: `${name}.${ns}.svc.cluster.local`, port });
      // Prints `open` when a TCP connection is accepted within 5 s, else `blocked`.
      const probe = (target: { host: string; port: number }): string =>
        `const s=require('net').connect(${target.port},'${target.host}');s.setTimeout(5000);` +
        "const done=(r)=>{console.log(r);process.exit(0)};s.on('connect',()=>done('open'));s.on('timeout',()=>done('blocked'));s.on('error',()=>done('blocked'))";
      const fromPod = (namespace: string, resource: string, target: { host: string; port: number }): string =>
        c.kubectlSync('-n', namespace, 'exec', resource, '--', 'node', '-e', probe(target)).split('\n').pop()!;
      const targets = {
        postgres: svc('postgres', 5432),
        flinkRest: svc(`${SESSION_DEPLOYMENT_NAME}-rest`, 8081),
        kafka: svc('kafka', 9092),
        dashboard: svc('dashboard', 8080),
        apiServer: { host: 'kubernetes.default.svc.cluster.local', port: 443 },
      };
      // A pod of its own in another namespace, from an image the cluster holds (the dashboard's: it has node).
      const dashboardImage = c.kubectlSync('-n', ns, 'get', 'deployment', 'dashboard', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
      c.kubectlSync('create', 'namespace', 'scratch');
      try {
        c.kubectlSync('-n', 'scratch', 'run', 'scratch', `--image=${dashboardImage}`, '--image-pull-policy=IfNotPresent', '--restart=Never', '--command', '--', 'sleep', '600');
        c.kubectlSync('-n', 'scratch', 'wait', '--for=condition=Ready', 'pod/scratch', '--timeout=120s');
        const seen = {
          scratch: Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, fromPod('scratch', 'pod/scratch', t)])),
          injector: Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, fromPod(ns, 'deployment/injector', t)])),
          dashboard: Object.fromEntries(Object.entries(targets).filter(([name]) => name !== 'dashboard').map(([name, t]) => [name, fromPod(ns, 'deployment/dashboard', t)])),
        };
        // The dashboard admits everyone and the scratch namespace restricts nothing: the injector's and
        // the dashboard's own egress policies are what refuse it, and the API server, there.
        expect(seen).toEqual({
          scratch: { postgres: 'blocked', flinkRest: 'blocked', kafka: 'blocked', dashboard: 'open', apiServer: 'open' },
          injector: { postgres: 'blocked', flinkRest: 'blocked', kafka: 'open', dashboard: 'blocked', apiServer: 'blocked' },
          dashboard: { postgres: 'open', flinkRest: 'blocked', kafka: 'blocked', apiServer: 'blocked' },
        });
      } finally {
        c.kubectlSync('delete', 'namespace', 'scratch', '--wait=false');
      }
    }, 6 * 60_000);

    it('computes every board equal to the oracle on the events in user-score once the injector stops', async () => {
      requireUp();
      const started = Date.now();
      // The documented stack injects forever; stopped, its topic holds a fixed set of events.
      jdbc.kubectl('scale', 'deployment', 'injector', '--replicas=0');
      await waitFor('the injector pod to be gone', 3 * 60_000, async () => (jdbc.kubectl('get', 'pods', '-l', 'app.kubernetes.io/name=injector', '-o', 'name') === '' ? true : undefined));
      expected = await jdbc.oracleCheck('k8s-jdbc', started, 1);
    }, 12 * 60_000);

    it('serves those boards through the docs\' port-forward, rendered in a browser', async () => {
      requireUp();
      const forward = startLine(clone, docsCommand(/^kubectl -n leaderboard port-forward svc\/dashboard 8080:8080$/), env);
      try {
        await expectDashboardShows('http://127.0.0.1:8080', expected, join(outputDir, 'kind-k8s-jdbc-dashboard.png'));
      } finally {
        forward.stop();
      }
    }, 5 * 60_000);

    it('recovers from a deleted TaskManager, JobManager and Kafka pod: jobs restored from checkpoints, a later event on the boards', async () => {
      requireUp();
      const faults = [
        { fault: 'TaskManager pod deleted', selector: 'component=taskmanager,type=flink-native-kubernetes', restoresJobs: true },
        { fault: 'JobManager pod deleted', selector: 'component=jobmanager,type=flink-native-kubernetes', restoresJobs: true },
        { fault: 'Kafka pod deleted', selector: 'app.kubernetes.io/name=kafka', restoresJobs: false },
      ];
      for (const { fault, selector, restoresJobs } of faults) {
        const jobIds = [...(await jdbc.flinkJobs()).entries()].filter(([, j]) => j.state === 'RUNNING').map(([id]) => id).sort();
        expect(jobIds.length).toBeGreaterThan(0);
        const started = Date.now();
        const before = jdbc.kubectl('get', 'pods', '-l', selector, '-o', 'jsonpath={.items[*].metadata.uid}').split(' ').filter(Boolean);
        expect(before.length).toBeGreaterThan(0);
        jdbc.kubectl('delete', 'pod', '-l', selector, '--wait=false');
        try {
          await waitFor(`a new pod for: ${fault}`, 5 * 60_000, async () => {
            const pods = JSON.parse(jdbc.kubectl('get', 'pods', '-l', selector, '-o', 'json')) as {
              items: { metadata: { uid: string }; status: { containerStatuses?: { ready: boolean }[] } }[];
            };
            const fresh = pods.items.filter((p) => !before.includes(p.metadata.uid));
            return fresh.length > 0 && fresh.every((p) => (p.status.containerStatuses ?? []).length > 0 && (p.status.containerStatuses ?? []).every((c) => c.ready)) ? true : undefined;
          });
          await waitFor(`every FlinkSessionJob RUNNING after: ${fault}`, 5 * 60_000, async () => (jdbc.sessionJobsRunning() ? true : undefined));
          if (restoresJobs) {
            // The same jobs (a resubmission would have new ids), each restored from a checkpoint taken
            // before the fault rather than started from the earliest offset.
            await waitFor(`the same jobs RUNNING, restored from a checkpoint, after: ${fault}`, 5 * 60_000, async () => {
              const jobs = await jdbc.flinkJobs().catch(() => new Map<string, FlinkJobState>());
              const restored = [...jobs.entries()].filter(([, j]) => j.state === 'RUNNING' && j.restoredAt >= started).map(([id]) => id).sort();
              return JSON.stringify(restored) === JSON.stringify(jobIds) ? true : undefined;
            });
          }
          await jdbc.probe();
          await jdbc.oracleCheck(fault, started, 1);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n${jdbc.diagnostics()}`);
        }
        timings[`${fault}: recovered`] = (Date.now() - started) / 1000;
      }
    }, 20 * 60_000);

    it('changes nothing on a second `npm run kind:up`', async () => {
      requireUp();
      // The injector, scaled to zero above, is the one difference: the stack wants it back.
      requireUp().kubectlSync('-n', DEFAULT_CONFIG.kubernetes.namespace, 'scale', 'deployment', 'injector', '--replicas=1');
      const again = await run(docsCommand(/^npm run kind:up$/), 15 * 60_000);
      expectClean(again);
      expect(again.stderr).toContain(`reusing kind cluster ${CLUSTER}`);
      expect(again.stderr).toContain('No changes.');
      expect(again.stderr).not.toMatch(/Creation complete|Modifications complete|Destruction complete/);
    }, 15 * 60_000);

    it('`npm run destroy -- k8s-jdbc` removes the namespace with every custom resource, claim and Helm release, and keeps the cluster', async () => {
      const c = requireUp();
      expectClean(await run(docsCommand(/^npm run destroy -- k8s-jdbc$/), 15 * 60_000));
      const all = (kind: string): string => c.kubectlSync('get', kind, '-A', '-o', 'name', '--ignore-not-found');
      await waitFor('namespace leaderboard to be gone', 5 * 60_000, async () => (all('namespaces').split('\n').includes('namespace/leaderboard') ? undefined : true));
      expect(all('flinkdeployments')).toBe('');
      expect(all('flinksessionjobs')).toBe('');
      expect(all('pvc')).toBe('');
      expect(all('secrets').split('\n').filter((s) => s.includes('sh.helm.release'))).toEqual([]);
      expect(kindContainers()).not.toBe('');
    }, 20 * 60_000);
  });

  describe('k8s-kafka scaled out, in a namespace of its own', () => {
    const namespace = 'leaderboard-kafka';
    const kafka = stackChecks('kafka', namespace);

    it('`kind:up -- k8s-kafka` with a configuration: three brokers, two TaskManagers, the autoscaler on every job, disruption budgets', async () => {
      requireUp();
      // Two TaskManagers of a tenth of a core each, so the stack's requests fit a 2-core node beside the control plane.
      writeFileSync(
        join(clone, 'kafka-scaled.json'),
        JSON.stringify({
          kubernetes: { namespace },
          events: { format: 'avro' },
          injector: { enabled: true, maxEvents: KAFKA_EVENTS, seed: 20261126, eventsPerSecond: 2000 },
          kafka: { brokers: 3 },
          flink: { taskManagers: 2, taskSlots: 1, parallelism: 2, taskManagerCpuMillis: 100, autoscaler: { enabled: true } },
        }),
      );
      expectClean(await run('LEADERBOARD_CONFIG=kafka-scaled.json npm run kind:up -- k8s-kafka', 30 * 60_000));
      await requireUp().admitHost(namespace);
      const running = (selector: string): number =>
        kafka.kubectl('get', 'pods', '-l', selector, '--field-selector', 'status.phase=Running', '-o', 'name').split('\n').filter(Boolean).length;
      expect(running('leaderboard.replica-group=kafka-brokers')).toBe(3);
      expect(running('component=taskmanager,type=flink-native-kubernetes')).toBe(2);
      const jobs = JSON.parse(kafka.kubectl('get', 'flinksessionjobs', '-o', 'json')) as {
        items: { spec: { flinkConfiguration?: Record<string, string>; job: { parallelism: number; upgradeMode: string } } }[];
      };
      for (const job of jobs.items) {
        expect(job.spec.flinkConfiguration?.['job.autoscaler.enabled']).toBe('true');
        expect(job.spec.job).toMatchObject({ parallelism: 2, upgradeMode: 'savepoint' });
      }
      expect(kafka.kubectl('get', 'poddisruptionbudgets', '-o', 'name').split('\n').sort()).toEqual([
        'poddisruptionbudget.policy/kafka-brokers',
        `poddisruptionbudget.policy/${SESSION_DEPLOYMENT_NAME}-taskmanagers`,
      ]);
    }, 30 * 60_000);

    it('computes every board equal to the oracle on the events in user-score', async () => {
      requireUp();
      const started = Date.now();
      await waitFor('the injector Job to finish its finite run', 8 * 60_000, async () => {
        const status = kafka.kubectl('get', 'job', 'injector', '-o', 'jsonpath={.status.succeeded}/{.status.failed}');
        if (status.startsWith('1/')) return true;
        if (/\/[1-9]/.test(status)) throw new Error(`injector job failed: ${status}`);
        return undefined;
      });
      // Its events and boards are Avro: read with the schemas of the stack's registry, which only its pods reach.
      const registry = registryInContainer((command) => kafka.kubectl('exec', 'deploy/schema-registry', '--', ...command));
      const expected = await kafka.oracleCheck('k8s-kafka', started, KAFKA_EVENTS, registry);
      // The dashboard decodes the Avro boards through the registry, which its network policy lets it reach.
      await expectDashboardServes(`http://${kafka.clusterIp('dashboard')}:${DASHBOARD_PORT}`, expected);
    }, 15 * 60_000);
  });

  it('`npm run kind:down` leaves no cluster, container, network or volume behind', async () => {
    unroute?.();
    unroute = undefined;
    expectClean(await run(docsCommand(/^npm run kind:down$/), 10 * 60_000));
    expect(kindContainers()).toBe('');
    expect(execFileSync('docker', ['network', 'ls', '-q', '--filter', 'name=^kind$'], { encoding: 'utf8' }).trim()).toBe('');
    // Only what kind made counts: other suites' volumes may come and go meanwhile.
    expect(dockerVolumes().filter((v) => !volumesBefore.includes(v))).toEqual([]);
    const contexts = execFileSync(kindTools()!.kubectl, ['config', 'get-contexts', '-o', 'name'], { encoding: 'utf8' });
    expect(contexts.split('\n')).not.toContain(`kind-${CLUSTER}`);
  }, 10 * 60_000);
});
