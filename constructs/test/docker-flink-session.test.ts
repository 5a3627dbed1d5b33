import { Container } from '@cdktf/provider-docker/lib/container';
import { TerraformStack, Testing } from 'cdktf';
import { DOCKER_HEARTBEATS, DockerFlinkSession, DockerFlinkSessionProps } from '../docker/flink-session';
import { DockerPlatform } from '../platform/docker';
import { FLINK_DEFAULTS, FLINK_IMAGE, SqlJob, flinkProperties, jobScriptPath, renderFlinkProperties } from '../flink-session';
import { TEST_STACK, containerOf, envOf, fakeSecret, serverOn, synthOnDocker } from '../../test-support/constructs';

const jobs: SqlJob[] = [
  { name: 'job-a', sql: "SET 'a' = '${X}';" },
  { name: 'job-b', sql: 'SELECT 1;' },
];

describe('DockerFlinkSession', () => {
  let session: DockerFlinkSession | undefined;
  const synthesized = synthOnDocker((scope, platform) => {
    const topics = platform.addService(scope, { name: 'topics', component: 'kafka', image: 'kafka:test', user: '1000', lifecycle: 'task', resources: { cpuMillis: 1, memoryMiB: 1 } });
    session = new DockerFlinkSession(scope, 'flink', {
      platform,
      image: 'flink:test',
      jobs,
      jobSecretEnv: { LEADERBOARD_JDBC_PASSWORD: fakeSecret('writer') },
      jobDependencies: [topics],
      jobConnections: [serverOn(scope, platform, 'broker', 9092).endpoint()],
    });
  });

  it('runs a JobManager with the UI on 127.0.0.1:8081 by default, the job scripts and the jobs\' secrets', () => {
    expect(session!.ui.url('http')).toBe('http://jobmanager:8081');
    expect(session!.jobStatus).toBe(session!.ui);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-jobmanager`,
      user: FLINK_IMAGE.uid,
      command: ['jobmanager'],
      ports: [{ internal: 8081, external: 8081, ip: '127.0.0.1' }],
      // Escaped for Terraform, which hands the runner the literal placeholder.
      upload: [
        { file: jobScriptPath(jobs[0]), content: "SET 'a' = '$${X}';", executable: false },
        { file: jobScriptPath(jobs[1]), content: 'SELECT 1;', executable: false },
      ],
      volumes: [expect.objectContaining({ container_path: FLINK_IMAGE.checkpointsDir })],
    });
    expect(envOf(containerOf(synthesized, 'jobmanager'))).toEqual({
      FLINK_PROPERTIES: renderFlinkProperties({ 'jobmanager.rpc.address': 'jobmanager', ...flinkProperties({ ...FLINK_DEFAULTS, taskSlots: 5 }), ...DOCKER_HEARTBEATS }),
      LEADERBOARD_JDBC_PASSWORD: 'secret:writer',
    });
  });

  it('runs a TaskManager after the JobManager, sharing the checkpoints, without the secrets', () => {
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-taskmanager`,
      command: ['taskmanager'],
      depends_on: [expect.stringMatching(/^docker_container\.flink_jobmanager_\w+$/)],
      volumes: [expect.objectContaining({ container_path: FLINK_IMAGE.checkpointsDir })],
    });
    expect(Object.keys(envOf(containerOf(synthesized, 'taskmanager')))).toEqual(['FLINK_PROPERTIES']);
  });

  it('keeps every job running through the REST API once the cluster and the job dependencies are up', () => {
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-submitter`,
      restart: 'unless-stopped',
      entrypoint: ['java', '-cp', FLINK_IMAGE.runnerJar, FLINK_IMAGE.submitterMainClass],
      command: [
        '--rest-url', 'http://jobmanager:8081',
        '--jar', FLINK_IMAGE.runnerJar,
        '--checkpoints-dir', FLINK_IMAGE.checkpointsDir,
        '--watch', '5',
        '--health-file', '/tmp/jobs-alive',
        '--parallelism', '1',
        '--job', `job-a=${FLINK_IMAGE.jobsDir}/job-a.sql`,
        '--job', `job-b=${FLINK_IMAGE.jobsDir}/job-b.sql`,
      ],
      // It reads the retained checkpoints to resubmit a lost job from them.
      volumes: [expect.objectContaining({ container_path: FLINK_IMAGE.checkpointsDir })],
      // In Go's duration format, as the engine reports it, so a second plan shows no change.
      healthcheck: expect.objectContaining({ test: ['CMD', 'bash', '-c', expect.stringContaining('/tmp/jobs-alive')], start_period: '5m0s' }),
      wait: true,
    });
    expect(containerOf(synthesized, 'submitter').depends_on).toEqual([
      expect.stringMatching(/^docker_container\.flink_jobmanager_\w+$/),
      expect.stringMatching(/^docker_container\.flink_taskmanager_\w+$/),
      'docker_container.topics',
    ]);
  });

  it('takes the UI port, its address, the task slots and the parallelism', () => {
    const custom = synthOnDocker((scope, platform) => {
      new DockerFlinkSession(scope, 'flink', { platform, image: 'flink:test', jobs, jobSecretEnv: {}, jobDependencies: [], jobConnections: [], uiPort: 18081, bindAddress: '127.0.0.2', taskSlots: 4, parallelism: 2 });
    });
    expect(custom).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-jobmanager`, ports: [{ internal: 8081, external: 18081, ip: '127.0.0.2' }] });
    expect(envOf(containerOf(custom, 'taskmanager')).FLINK_PROPERTIES).toContain('taskmanager.numberOfTaskSlots: 4');
    expect(envOf(containerOf(custom, 'jobmanager')).FLINK_PROPERTIES).toContain('parallelism.default: 2');
    // Flink's jar run ignores parallelism.default: the keeper must ask for it.
    expect(containerOf(custom, 'submitter').command?.join(' ')).toContain('--parallelism 2');
  });

  it('sizes the TaskManagers\' memory as asked, and warns that the autoscaler needs the operator', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const platform = new DockerPlatform(stack, 'platform', { stackName: TEST_STACK });
    const session = new DockerFlinkSession(stack, 'flink', {
      platform, image: 'flink:test', jobs, jobSecretEnv: {}, jobDependencies: [], jobConnections: [],
      taskManagerMemoryMiB: 2048, autoscaler: { targetUtilization: 0.7, minParallelism: 1, maxParallelism: 4 },
    });
    const synthesized = Testing.synth(stack);
    expect(envOf(containerOf(synthesized, 'taskmanager')).FLINK_PROPERTIES).toContain('taskmanager.memory.process.size: 2048m');
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-taskmanager`, memory: 2048 });
    expect(session.node.metadata.map((m) => String(m.data))).toEqual([expect.stringContaining('flink.autoscaler is the Flink Kubernetes Operator')]);
  });

  it('runs as many TaskManagers as asked, all before the keeper submits', () => {
    const scaled = synthOnDocker((scope, platform) => {
      new DockerFlinkSession(scope, 'flink', { platform, image: 'flink:test', jobs, jobSecretEnv: {}, jobDependencies: [], jobConnections: [], taskManagers: 3 });
    });
    const taskManagers = ['taskmanager', 'taskmanager-2', 'taskmanager-3'];
    for (const name of taskManagers) expect(containerOf(scaled, name).command).toEqual(['taskmanager']);
    expect(containerOf(scaled, 'submitter').depends_on).toEqual(
      expect.arrayContaining(taskManagers.map((name) => expect.stringMatching(new RegExp(`^docker_container\\.flink_${name}_\\w+$`)))),
    );
  });

  it('refuses a size that cannot run its jobs, naming the options', () => {
    const session = (options: Partial<DockerFlinkSessionProps>) => () =>
      synthOnDocker((scope, platform) => new DockerFlinkSession(scope, 'flink', { platform, image: 'flink:test', jobs, jobSecretEnv: {}, jobDependencies: [], jobConnections: [], ...options }));
    expect(session({ taskSlots: 1, parallelism: 1 })).toThrow('FlinkSession: 2 jobs at parallelism 1 need 2 task slots; taskSlots x taskManagers gives 1');
    expect(session({ taskSlots: 1, taskManagers: 2, parallelism: 1 })).not.toThrow();
    expect(session({ parallelism: 0 })).toThrow('FlinkSession: parallelism must be an integer from 1 to 1024, got 0');
    expect(session({ taskManagerMemoryMiB: 512 })).toThrow('FlinkSession: taskManagerMemoryMiB must be at least 1024, got 512');
  });
});
