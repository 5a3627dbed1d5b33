import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { FLINK_IMAGE, SqlJob } from '../flink-session';
import { K8sFlinkSession, K8sFlinkSessionProps, OPERATOR_CHART_NAME, SESSION_DEPLOYMENT_NAME } from '../k8s/flink-session';
import { K8sPlatform } from '../platform/k8s/platform';
import { containerSecurityContext, podSecurityContext } from '../platform/k8s/security';
import { TEST_NAMESPACE, TEST_STACK, fakeSecret, resourcesOf, serverOn, synthOnK8s } from '../../test-support/constructs';

const jobs: SqlJob[] = [{ name: 'top-teams', sql: "SET 'x' = '${LEADERBOARD_JDBC_PASSWORD}';" }];
const operator = { version: '1.15.0', chart: '/charts/flink-kubernetes-operator', image: 'example/operator:1.15.0' };
const flinkPods = { app: SESSION_DEPLOYMENT_NAME, type: 'flink-native-kubernetes' };

function session(scope: Construct, platform: K8sPlatform, extra: Partial<K8sFlinkSessionProps> = {}): K8sFlinkSession {
  const kafka = serverOn(scope, platform, 'kafka', 9092);
  return new K8sFlinkSession(scope, 'flink', {
    platform,
    image: 'example/flink:1',
    nodeImage: 'example/node:1',
    jobs,
    jobSecretEnv: { LEADERBOARD_JDBC_PASSWORD: fakeSecret('writer') },
    jobDependencies: [kafka],
    jobConnections: [kafka.endpoint()],
    operator,
    ...extra,
  });
}

describe('K8sFlinkSession', () => {
  let made: K8sFlinkSession | undefined;
  const synthesized = synthOnK8s((scope, platform) => {
    made = session(scope, platform);
  });
  const releases = resourcesOf(synthesized, 'helm_release');
  const operatorRelease = releases.find((r) => r.name === OPERATOR_CHART_NAME)!;
  const resourcesRelease = releases.find((r) => r.name === SESSION_DEPLOYMENT_NAME)!;

  it('installs the operator from a chart directory, watching only the stack namespace, without the webhook', () => {
    expect(synthesized).toHaveResourceWithProperties(Release, { name: OPERATOR_CHART_NAME, chart: operator.chart, wait: true });
    const values = JSON.parse(operatorRelease.values[0]);
    expect(values.watchNamespaces).toEqual([TEST_NAMESPACE]);
    expect(values.webhook).toEqual({ create: false });
    expect(values.image).toEqual({ repository: 'example/operator', tag: '1.15.0', digest: '', pullPolicy: 'IfNotPresent' });
    expect(values.podSecurityContext).toEqual(podSecurityContext('9999'));
    expect(values.operatorSecurityContext).toEqual(containerSecurityContext('9999'));
  });

  it('takes the chart from a repository at the pinned version when given a URL', () => {
    const fromRepository = synthOnK8s((scope, platform) => {
      session(scope, platform, { operator: { ...operator, chart: 'https://charts.example.com/flink' } });
    });
    expect(fromRepository).toHaveResourceWithProperties(Release, {
      name: OPERATOR_CHART_NAME,
      repository: 'https://charts.example.com/flink',
      chart: OPERATOR_CHART_NAME,
      version: '1.15.0',
    });
  });

  it('installs the session and its jobs after the operator, the scripts and what the jobs need', () => {
    const { resources } = JSON.parse(resourcesRelease.values[0]);
    expect(resources.map((r: { kind: string; metadata: { name: string } }) => `${r.kind}/${r.metadata.name}`)).toEqual([
      `FlinkDeployment/${SESSION_DEPLOYMENT_NAME}`,
      'FlinkSessionJob/top-teams',
    ]);
    expect(resources[1].spec.job.jarURI).toBe(made!.runnerJarUri);
    expect(resourcesRelease.depends_on).toEqual(expect.arrayContaining([
      expect.stringMatching(/^helm_release\.flink_operator_\w+$/),
      expect.stringMatching(/^kubernetes_config_map_v1\.flink_jobs_\w+$/),
      'kubernetes_deployment_v1.kafka',
      expect.stringMatching(/^kubernetes_deployment_v1\.flink_artifacts_flink-artifacts_\w+$/),
    ]));
    // The runner substitutes the placeholder at run time; Terraform must hand it over literally.
    expect(synthesized).toHaveResourceWithProperties(ConfigMapV1, { data: { 'top-teams.sql': "SET 'x' = '$${LEADERBOARD_JDBC_PASSWORD}';" } });
  });

  it('serves the runner jar from the artifact server under its namespace-qualified name', () => {
    const jar = FLINK_IMAGE.runnerJar.split('/').pop();
    expect(made!.runnerJarUri).toBe(`http://flink-artifacts.${TEST_NAMESPACE}.svc:8080/${jar}`);
    expect(made!.ui.address).toBe(`${SESSION_DEPLOYMENT_NAME}-rest:${FLINK_IMAGE.restPort}`);
  });

  it('admits the Flink pods to each other, the REST API only from them and the operator, the operator to the jar, the jobs to their sources and sinks, both ways', () => {
    const policies = Object.fromEntries(resourcesOf(synthesized, 'kubernetes_network_policy_v1').map((p) => [p.metadata.name, p.spec]));
    const operatorPods = { pod_selector: { match_labels: { 'app.kubernetes.io/name': 'flink-kubernetes-operator' } } };
    const rest = [{ port: String(FLINK_IMAGE.restPort), protocol: 'TCP' }];
    const jobManager = { pod_selector: { match_labels: { ...flinkPods, component: 'jobmanager' } } };
    expect(policies['flink-cluster'].ingress).toEqual([{ from: [{ pod_selector: { match_labels: flinkPods } }] }]);
    expect(policies['flink-to-flink-cluster']).toEqual({ pod_selector: { match_labels: flinkPods }, policy_types: ['Egress'], egress: [{ to: [{ pod_selector: { match_labels: flinkPods } }] }] });
    expect(policies['flink-rest']).toEqual({ pod_selector: jobManager.pod_selector, policy_types: ['Ingress'], ingress: [{ from: [operatorPods], ports: rest }] });
    expect(policies['flink-kubernetes-operator-to-flink-rest'].egress).toEqual([{ to: [jobManager], ports: rest }]);
    expect(policies['flink-artifacts-from-flink-kubernetes-operator'].ingress).toEqual([{ from: [operatorPods], ports: [{ port: '8080', protocol: 'TCP' }] }]);
    expect(policies['flink-kubernetes-operator-to-flink-artifacts'].egress).toEqual([
      { to: [{ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'flink-artifacts', 'leaderboard.stack': TEST_STACK } } }], ports: [{ port: '8080', protocol: 'TCP' }] },
    ]);
    const kafkaPods = { pod_selector: { match_labels: { 'app.kubernetes.io/name': 'kafka', 'leaderboard.stack': TEST_STACK } } };
    expect(policies['kafka-from-flink']).toEqual(expect.objectContaining({
      pod_selector: kafkaPods.pod_selector,
      ingress: [{ from: [{ pod_selector: { match_labels: flinkPods } }], ports: [{ port: '9092', protocol: 'TCP' }] }],
    }));
    expect(policies['flink-to-kafka'].egress).toEqual([{ to: [kafkaPods], ports: [{ port: '9092', protocol: 'TCP' }] }]);
  });

  it('lets only the Flink pods and the operator reach the Kubernetes API server', () => {
    const policies = resourcesOf(synthesized, 'kubernetes_network_policy_v1').filter((p) => p.metadata.name.endsWith('-to-api-server'));
    const apiServer = [{ to: [{ ip_block: { cidr: '0.0.0.0/0' } }], ports: ['443', '6443', '8443', '16443'].map((port) => ({ port, protocol: 'TCP' })) }];
    expect(policies.map((p) => [p.metadata.name, p.spec.pod_selector.match_labels, p.spec.egress])).toEqual([
      ['flink-kubernetes-operator-to-api-server', { 'app.kubernetes.io/name': 'flink-kubernetes-operator' }, apiServer],
      ['flink-to-api-server', flinkPods, apiServer],
    ]);
  });

  it('runs every session job at the given parallelism (1 by default)', () => {
    expect(JSON.parse(resourcesRelease.values[0]).resources[1].spec.job.parallelism).toBe(1);
    const parallel = synthOnK8s((scope, platform) => {
      session(scope, platform, { parallelism: 2 });
    });
    const release = resourcesOf(parallel, 'helm_release').find((r) => r.name === SESSION_DEPLOYMENT_NAME)!;
    const [deployment, job] = JSON.parse(release.values[0]).resources;
    expect(job.spec.job.parallelism).toBe(2);
    expect(deployment.spec.flinkConfiguration['parallelism.default']).toBe('2');
  });

  it('keeps as many TaskManagers up as asked through the minimum slots of the native resource manager', () => {
    expect(JSON.parse(resourcesRelease.values[0]).resources[0].spec.flinkConfiguration['slotmanager.number-of-slots.min']).toBeUndefined();
    const scaled = synthOnK8s((scope, platform) => {
      session(scope, platform, { taskManagers: 2, taskSlots: 3 });
    });
    const [deployment] = JSON.parse(resourcesOf(scaled, 'helm_release').find((r) => r.name === SESSION_DEPLOYMENT_NAME)!.values[0]).resources;
    expect(deployment.spec.flinkConfiguration['slotmanager.number-of-slots.min']).toBe('6');
    expect(deployment.spec.flinkConfiguration['taskmanager.numberOfTaskSlots']).toBe('3');
    // Spread across nodes (softly), and a drain takes one at a time.
    const taskManagers = { app: SESSION_DEPLOYMENT_NAME, type: 'flink-native-kubernetes', component: 'taskmanager' };
    expect(deployment.spec.taskManager.podTemplate.spec.topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }),
    ]);
    expect(resourcesOf(scaled, 'kubernetes_pod_disruption_budget_v1')).toEqual([
      expect.objectContaining({ spec: { max_unavailable: '1', selector: { match_labels: taskManagers } } }),
    ]);
    expect(resourcesOf(synthesized, 'kubernetes_pod_disruption_budget_v1')).toEqual([]);
  });

  it('sizes the TaskManagers as asked and turns the operator\'s autoscaler on for every job, with savepoint upgrades', () => {
    const [plainDeployment, plainJob] = JSON.parse(resourcesRelease.values[0]).resources;
    expect(plainJob.spec.flinkConfiguration).toBeUndefined();
    expect(plainJob.spec.job.upgradeMode).toBe('stateless');
    expect(plainDeployment.spec.taskManager.resource).toEqual({ cpu: 0.5, memory: '1728m' });
    const scaled = synthOnK8s((scope, platform) => {
      session(scope, platform, { taskManagerMemoryMiB: 2048, taskManagerCpuMillis: 750, autoscaler: { targetUtilization: 0.6, minParallelism: 1, maxParallelism: 3 } });
    });
    const [deployment, job] = JSON.parse(resourcesOf(scaled, 'helm_release').find((r) => r.name === SESSION_DEPLOYMENT_NAME)!.values[0]).resources;
    expect(deployment.spec.taskManager.resource).toEqual({ cpu: 0.75, memory: '2048m' });
    expect(deployment.spec.flinkConfiguration['state.savepoints.dir']).toBe(`file://${FLINK_IMAGE.checkpointsDir}/savepoints`);
    expect(job.spec.flinkConfiguration).toEqual({
      'job.autoscaler.enabled': 'true',
      'job.autoscaler.utilization.target': '0.6',
      'job.autoscaler.vertex.min-parallelism': '1',
      'job.autoscaler.vertex.max-parallelism': '3',
    });
    expect(job.spec.job.upgradeMode).toBe('savepoint');
  });

  it('keeps the jobs across a lost JobManager with Flink\'s Kubernetes HA on the shared checkpoint volume', () => {
    const [deployment] = JSON.parse(resourcesRelease.values[0]).resources;
    const conf = deployment.spec.flinkConfiguration;
    expect(conf['high-availability.type']).toBe('kubernetes');
    expect(conf['high-availability.storageDir']).toBe(`file://${FLINK_IMAGE.checkpointsDir}/ha`);
    const mounts = deployment.spec.jobManager.podTemplate.spec.containers[0].volumeMounts;
    expect(mounts).toEqual(expect.arrayContaining([expect.objectContaining({ mountPath: FLINK_IMAGE.checkpointsDir })]));
  });

  it('deletes a cancelled job\'s checkpoints, which nothing on Kubernetes restores from, instead of leaving them on the claim', () => {
    const [deployment] = JSON.parse(resourcesRelease.values[0]).resources;
    expect(deployment.spec.flinkConfiguration['execution.checkpointing.externalized-checkpoint-retention']).toBe('DELETE_ON_CANCELLATION');
  });

  it('refuses a job name that cannot name a FlinkSessionJob', () => {
    expect(() => synthOnK8s((scope, platform) => {
      session(scope, platform, { jobs: [{ name: 'Top_Teams', sql: 'SELECT 1;' }] });
    })).toThrow(/must be a DNS label/);
  });
});
