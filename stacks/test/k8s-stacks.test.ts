/**
 * The Kubernetes stacks, synthesized: wiring, workloads, security, network policies, secrets, and the
 * operator's own rules for the Flink custom resources (their CRD schemas: k8s-crds.int.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, parseConfig } from '../../stacks/config';
import { operatorRuleErrors } from '../../test-support/crd-validation';
import { Json, flinkResources, resources, synth } from '../../test-support/k8s-synth';
import versions from '../../versions.json';
import { FLINK_IMAGE } from '../../constructs/flink-session';
import { OPERATOR_FLINK_CONF, SESSION_DEPLOYMENT_NAME, operatorImageValues } from '../../constructs/k8s/flink-session';

interface Workload {
  kind: 'deployment' | 'stateful_set' | 'job';
  name: string;
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  pod: Json;
  resource: Json;
}


function workloads(s: Json): Workload[] {
  return (['deployment', 'stateful_set', 'job'] as const).flatMap((kind) =>
    resources(s, `kubernetes_${kind}_v1`).map((r) => ({
      kind,
      name: r.metadata.name,
      labels: r.metadata.labels,
      podLabels: r.spec.template.metadata.labels,
      pod: r.spec.template.spec,
      resource: r,
    })),
  );
}

const workload = (s: Json, name: string): Workload => {
  const found = workloads(s).filter((w) => w.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

const envOf = (container: Json): Record<string, Json> => Object.fromEntries((container.env ?? []).map((e: Json) => [e.name, e]));

const sessionDeployment = (s: Json): Json => {
  const found = flinkResources(s).filter((r) => r.kind === 'FlinkDeployment');
  expect(found).toHaveLength(1);
  return found[0];
};
const sessionJobs = (s: Json): Json[] => flinkResources(s).filter((r) => r.kind === 'FlinkSessionJob');
/** Text as the pods see it: Terraform turns the escapes `$${` and `%%{` back into `${` and `%{`. */
const unescapeTerraform = (text: string): string => text.replace(/([$%])\1\{/g, '$1{');
const jobScripts = (s: Json): Record<string, string> => {
  const data = resources(s, 'kubernetes_config_map_v1').find((c) => c.metadata.name === `${SESSION_DEPLOYMENT_NAME}-jobs`)!.data;
  return Object.fromEntries(Object.entries(data as Record<string, string>).map(([k, v]) => [k, unescapeTerraform(v)]));
};

const service = (s: Json, name: string): Json | undefined => resources(s, 'kubernetes_service_v1').find((r) => r.metadata.name === name);
const policy = (s: Json, name: string): Json => {
  const found = resources(s, 'kubernetes_network_policy_v1').find((p) => p.metadata.name === name);
  expect(found).toBeDefined();
  return found!;
};
const labelString = (labels: Record<string, string>): string => Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort().join(',');
/** Selectors of the pods a policy admits on restricted rules, as `key=value,...` strings. */
const admitted = (p: Json): string[] =>
  (p.spec.ingress ?? []).flatMap((rule: Json) => rule.from ?? []).map((from: Json) => labelString(from.pod_selector.match_labels));
/** Every pod selector admitted to the pods selected by `podSelector` (a `key=value,...` string), with the port: policies add up. */
const clientsOf = (s: Json, podSelector: string): string[] =>
  resources(s, 'kubernetes_network_policy_v1')
    .filter((p) => labelString(p.spec.pod_selector.match_labels ?? {}) === podSelector)
    .flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: Json) =>
      (rule.from ?? []).map((from: Json) => `${labelString(from.pod_selector.match_labels)}:${rule.ports.map((x: Json) => x.port).join(',')}`)));

describe.each(['k8s-jdbc', 'k8s-kafka'])('%s', (stackName) => {
  const s = synth(stackName);
  const sink = stackName.endsWith('jdbc') ? 'jdbc' : 'kafka';
  const namespace = DEFAULT_CONFIG.kubernetes.namespace;

  it('outputs how to reach the ClusterIP dashboard and Flink UI: a port-forward, then a local URL', () => {
    const { output } = synth(stackName);
    expect(output.dashboard_url.value).toBe('http://127.0.0.1:8080/ after: kubectl -n leaderboard port-forward svc/dashboard 8080:8080');
    expect(output.flink_ui_url.value).toBe(`http://127.0.0.1:8081/ after: kubectl -n leaderboard port-forward svc/${SESSION_DEPLOYMENT_NAME}-rest 8081:8081`);
  });

  it('puts every component into the stack namespace, labelled', () => {
    expect(resources(s, 'kubernetes_namespace_v1').map((n) => n.metadata.name)).toEqual([namespace]);
    const expected = ['kafka', 'kafka-topics', 'flink-artifacts', 'sql-client', 'injector', 'dashboard', ...(sink === 'jdbc' ? ['postgres'] : [])];
    expect(workloads(s).map((w) => w.name).sort()).toEqual(expected.sort());
    for (const w of workloads(s)) {
      expect(w.resource.metadata.namespace).toMatch(/kubernetes_namespace_v1\..*\.metadata\[0\]\.name/);
      expect(w.podLabels['leaderboard.stack']).toBe(stackName);
      expect(w.podLabels['leaderboard.component']).toEqual(expect.any(String));
    }
    expect(workload(s, 'kafka').kind).toBe('stateful_set');
    if (sink === 'jdbc') expect(workload(s, 'postgres').kind).toBe('stateful_set');
    expect(workload(s, 'kafka-topics').kind).toBe('job');
    expect(workload(s, 'dashboard').kind).toBe('deployment');
  });

  it('keeps data on claims of the requested size', () => {
    const claims = workload(s, 'kafka').resource.spec.volume_claim_template;
    expect(claims).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: 'kafka-data' }) })]);
    expect(claims[0].spec.resources.requests.storage).toBe('5Gi');
  });

  it('wires the Flink jobs to the Kafka and sink services by name', () => {
    const scripts = Object.values(jobScripts(s)).join('\n');
    expect(service(s, 'kafka')!.spec.port).toEqual([expect.objectContaining({ port: 9092 })]);
    expect(scripts).toContain("'kafka:9092'");
    if (sink === 'jdbc') {
      expect(service(s, 'postgres')!.spec.port).toEqual([expect.objectContaining({ port: 5432 })]);
      expect(scripts).toContain('jdbc:postgresql://postgres:5432/leaderboard');
    } else {
      expect(service(s, 'postgres')).toBeUndefined();
    }
  });

  it("gives the dashboard the sink variant's settings", () => {
    const env = envOf(workload(s, 'dashboard').pod.container[0]);
    expect(env.DASHBOARD_SOURCE.value).toBe(sink);
    if (sink === 'jdbc') {
      expect(env.PGHOST.value).toBe('postgres');
      expect(env.PGUSER.value).toBe('leaderboard_reader');
      expect(env.PGPASSWORD.value_from.secret_key_ref).toEqual({ name: 'postgres-passwords', key: 'reader' });
    } else {
      expect(env.DASHBOARD_KAFKA_BOOTSTRAP_SERVERS.value).toBe('kafka:9092');
      expect(env.PGPASSWORD).toBeUndefined();
    }
    expect(service(s, 'dashboard')!.spec).toEqual(expect.objectContaining({ type: 'ClusterIP' }));
  });

  it('runs one FlinkSessionJob per script, each naming the session deployment and its script', () => {
    const deployment = sessionDeployment(s);
    const scripts = jobScripts(s);
    const jobs = sessionJobs(s);
    expect(jobs.length).toBe(Object.keys(scripts).length);
    expect(jobs.length).toBeGreaterThan(0);
    const jm = deployment.spec.jobManager.podTemplate.spec;
    const jobsMount = jm.containers[0].volumeMounts.find((m: Json) => m.mountPath === FLINK_IMAGE.jobsDir);
    expect(jm.volumes.find((v: Json) => v.name === jobsMount.name).configMap.name).toBe(`${SESSION_DEPLOYMENT_NAME}-jobs`);
    const artifacts = service(s, 'flink-artifacts')!;
    for (const job of jobs) {
      expect(job.spec.deploymentName).toBe(deployment.metadata.name);
      expect(job.spec.job.entryClass).toBe(FLINK_IMAGE.runnerMainClass);
      const [flag, script] = job.spec.job.args;
      expect(flag).toBe('--script');
      expect(script).toBe(`${FLINK_IMAGE.jobsDir}/${job.metadata.name}.sql`);
      expect(Object.keys(scripts)).toContain(script.slice(FLINK_IMAGE.jobsDir.length + 1));
      const jar = new URL(job.spec.job.jarURI);
      expect(jar.protocol).toBe('http:');
      expect(jar.hostname).toBe(`${artifacts.metadata.name}.${namespace}.svc`);
      expect(Number(jar.port)).toBe(artifacts.spec.port[0].port);
      expect(jar.pathname).toBe(`/${FLINK_IMAGE.runnerJar.split('/').pop()}`);
    }
  });

  it('names an entry class that the SQL runner defines', () => {
    const source = join(__dirname, '..', '..', 'flink-sql', 'runner', 'src', 'main', 'java', ...FLINK_IMAGE.runnerMainClass.split('.')) + '.java';
    expect(readFileSync(source, 'utf8')).toContain(`public final class ${FLINK_IMAGE.runnerMainClass.split('.').pop()}`);
  });

  it('serves the runner jar copied out of the project Flink image', () => {
    const pod = workload(s, 'flink-artifacts').pod;
    expect(pod.init_container[0].image).toBe(sessionDeployment(s).spec.image);
    expect(pod.init_container[0].command).toEqual(['cp', FLINK_IMAGE.runnerJar, expect.stringMatching(/^\/srv\/artifacts\//)]);
    expect(pod.container[0].command.slice(0, 2)).toEqual(['node', '-e']);
  });

  it('runs the session cluster with the shared Flink configuration, checkpoint storage and resources', () => {
    const spec = sessionDeployment(s).spec;
    expect(spec.flinkVersion).toBe('v1_20');
    expect(spec.image).toBe('leaderboard-stack/flink:0.1.0');
    expect(spec.serviceAccount).toBe('flink');
    expect(spec.flinkConfiguration['state.checkpoints.dir']).toBe(`file://${FLINK_IMAGE.checkpointsDir}`);
    expect(spec.flinkConfiguration['execution.checkpointing.interval']).toBe('10s');
    for (const process of [spec.jobManager, spec.taskManager]) {
      expect(process.resource).toEqual({ cpu: expect.any(Number), memory: expect.stringMatching(/^\d+m$/) });
      const pod = process.podTemplate.spec;
      const mount = pod.containers[0].volumeMounts.find((m: Json) => m.mountPath === FLINK_IMAGE.checkpointsDir);
      expect(pod.volumes.find((v: Json) => v.name === mount.name).persistentVolumeClaim.claimName).toBe(`${SESSION_DEPLOYMENT_NAME}-checkpoints`);
    }
    const claim = resources(s, 'kubernetes_persistent_volume_claim_v1').find((c) => c.metadata.name === `${SESSION_DEPLOYMENT_NAME}-checkpoints`);
    expect(claim).toBeDefined();
    const jmEnv = envOf(spec.jobManager.podTemplate.spec.containers[0]);
    if (sink === 'jdbc') {
      expect(jmEnv.LEADERBOARD_JDBC_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'postgres-passwords', key: 'writer' });
    } else {
      expect(Object.keys(jmEnv)).toEqual([]);
    }
  });

  it('installs the operator from its pinned chart, webhook off, before the Flink resources', () => {
    const releases = resources(s, 'helm_release');
    const operator = releases.find((r) => r.chart === 'flink-kubernetes-operator')!;
    expect(operator.version).toBe(versions.flinkKubernetesOperator);
    expect(operator.repository).toBe(`https://archive.apache.org/dist/flink/flink-kubernetes-operator-${versions.flinkKubernetesOperator}/`);
    const values = JSON.parse(operator.values[0]);
    expect(values.webhook).toEqual({ create: false });
    expect(values.watchNamespaces).toEqual([namespace]);
    expect(values.image).toEqual({ repository: 'ghcr.io/apache/flink-kubernetes-operator', tag: '79d730b', digest: '', pullPolicy: 'IfNotPresent' });
    const flink = releases.find((r) => r.name === SESSION_DEPLOYMENT_NAME)!;
    expect(flink.chart).toMatch(/^assets\//);
    const operatorId = Object.entries(s.resource.helm_release).find(([, r]) => r === operator)![0];
    expect(flink.depends_on).toContain(`helm_release.${operatorId}`);
  });

  it('lets the operator fetch the runner jar over http from the in-cluster artifact server', () => {
    const operator = resources(s, 'helm_release').find((r) => r.chart === 'flink-kubernetes-operator')!;
    const conf = JSON.parse(operator.values[0]).defaultConfiguration['flink-conf.yaml'];
    expect(conf).toContain('kubernetes.operator.user.artifacts.allowed-schemes: https;http\n');
    expect(conf).toContain('kubernetes.operator.user.artifacts.disallow-restricted-hosts: false\n');
    expect(operatorRuleErrors(flinkResources(s), OPERATOR_FLINK_CONF)).toEqual([]);
    // Operator 1.15's defaults refuse exactly this jar URI.
    const job = sessionJobs(s)[0];
    expect(operatorRuleErrors(flinkResources(s))).toContainEqual(`FlinkSessionJob ${job.metadata.name}: jarURI scheme 'http' is not in the allowlist [https]`);
    const httpOnly = { 'kubernetes.operator.user.artifacts.allowed-schemes': 'https;http' };
    expect(operatorRuleErrors(flinkResources(s), httpOnly)).toContainEqual(
      `FlinkSessionJob ${job.metadata.name}: jarURI host 'flink-artifacts.${namespace}.svc' resolves to a restricted address`,
    );
  });

  it('gives every container requests, limits and a locked-down non-root security context', () => {
    for (const w of workloads(s)) {
      expect(w.pod.security_context).toEqual(
        expect.objectContaining({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } }),
      );
      expect(Number(w.pod.security_context.run_as_user)).toBeGreaterThan(0);
      expect(w.pod.security_context.fs_group).toBe(w.pod.security_context.run_as_group);
      expect(w.pod.automount_service_account_token).toBe(false);
      for (const c of [...w.pod.container, ...(w.pod.init_container ?? [])]) {
        expect(c.resources.requests).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
        expect(c.resources.limits).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: c.resources.requests.memory });
        expect(c.security_context).toEqual(
          expect.objectContaining({ allow_privilege_escalation: false, run_as_non_root: true, capabilities: { drop: ['ALL'] } }),
        );
      }
    }
    for (const name of ['dashboard', 'injector']) {
      const w = workloads(s).find((x) => x.name === name)!;
      expect({ name, readOnly: w.pod.container[0].security_context.read_only_root_filesystem }).toEqual({ name, readOnly: true });
    }
    const spec = sessionDeployment(s).spec;
    for (const process of [spec.jobManager, spec.taskManager]) {
      const pod = process.podTemplate.spec;
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, runAsUser: 9999, fsGroup: 9999 }));
      expect(pod.containers[0].securityContext).toEqual(expect.objectContaining({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      }));
    }
  });

  it('probes every long-running container', () => {
    for (const w of workloads(s).filter((x) => x.kind !== 'job' && x.name !== 'injector')) {
      const c = w.pod.container[0];
      for (const probe of ['startup_probe', 'readiness_probe', 'liveness_probe']) {
        expect({ name: w.name, probe, exec: c[probe]?.exec?.command?.length > 0 }).toEqual({ name: w.name, probe, exec: true });
      }
    }
    // The dashboard reports a sink outage on /healthz (readiness) but stays alive (/livez), so an
    // outage elsewhere never restarts it.
    const dashboard = workloads(s).find((w) => w.name === 'dashboard')!.pod.container[0];
    expect(dashboard.readiness_probe.exec.command.join(' ')).toContain('/healthz');
    expect(dashboard.liveness_probe.exec.command.join(' ')).toContain('/livez');
    expect(dashboard.startup_probe.exec.command.join(' ')).toContain('/healthz');
    const spec = sessionDeployment(s).spec;
    for (const process of [spec.jobManager, spec.taskManager]) {
      const c = process.podTemplate.spec.containers[0];
      expect(c.readinessProbe.tcpSocket.port).toBeGreaterThan(0);
      expect(c.livenessProbe.tcpSocket.port).toBe(c.readinessProbe.tcpSocket.port);
    }
    expect(spec.jobManager.podTemplate.spec.containers[0].readinessProbe.tcpSocket.port).toBe(FLINK_IMAGE.restPort);
  });

  it('denies ingress by default and admits only the pods that declared a connection, on its port', () => {
    const deny = policy(s, 'default-deny-ingress');
    expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress'] });
    const pods = (name: string) => `app.kubernetes.io/name=${name},leaderboard.stack=${stackName}`;
    const flink = 'app=leaderboard-flink,type=flink-native-kubernetes';
    const kafkaClients = [pods('kafka-topics'), flink, pods('injector'), ...(sink === 'kafka' ? [pods('dashboard')] : [])];
    expect(clientsOf(s, pods('kafka')).sort()).toEqual(kafkaClients.map((c) => `${c}:9092`).sort());
    expect(clientsOf(s, pods('postgres')).sort()).toEqual(sink === 'jdbc' ? [`${flink}:5432`, `${pods('dashboard')}:5432`].sort() : []);
    expect(clientsOf(s, pods('flink-artifacts'))).toEqual(['app.kubernetes.io/name=flink-kubernetes-operator:8080']);
    expect(clientsOf(s, pods('dashboard'))).toEqual([]);
    expect(admitted(policy(s, 'flink-cluster'))).toEqual([flink]);
    // Every Service's pods are admitted by some policy: nothing the stack runs is unreachable by accident.
    for (const svc of resources(s, 'kubernetes_service_v1')) {
      const selected = resources(s, 'kubernetes_network_policy_v1').filter(
        (p) => labelString(p.spec.pod_selector.match_labels ?? {}) === labelString(svc.spec.selector),
      );
      expect({ service: svc.metadata.name, policies: selected.length > 0 }).toEqual({ service: svc.metadata.name, policies: true });
    }
  });

  it('lets only the dashboard be reached from outside the namespace; the Flink REST API only from the Flink pods, the operator and the SQL client', () => {
    const open = resources(s, 'kubernetes_network_policy_v1').flatMap((p) =>
      (p.spec.ingress ?? []).filter((rule: Json) => !rule.from).map((rule: Json) => `${p.metadata.name}:${rule.ports.map((x: Json) => x.port).join(',')}`),
    );
    expect(open.sort()).toEqual(['dashboard-published:8080']);
    expect(admitted(policy(s, 'flink-rest'))).toEqual(['app.kubernetes.io/name=flink-kubernetes-operator']);
    expect(admitted(policy(s, 'flink-rest-from-sql-client'))).toEqual([`app.kubernetes.io/name=sql-client,leaderboard.stack=${stackName}`]);
    expect(policy(s, 'flink-rest-from-sql-client').spec.ingress[0].ports.map((x: Json) => x.port)).toEqual(['8081']);
    expect(admitted(policy(s, 'flink-cluster'))).toEqual(['app=leaderboard-flink,type=flink-native-kubernetes']);
    // The SQL client's pod sends nowhere but the REST API (its queries run in the session).
    const clientEgress = resources(s, 'kubernetes_network_policy_v1').filter((p) => labelString(p.spec.pod_selector.match_labels ?? {}) === `app.kubernetes.io/name=sql-client,leaderboard.stack=${stackName}`);
    expect(clientEgress.map((p) => p.metadata.name)).toEqual(['sql-client-to-flink-rest-from-sql-client']);
  });

  it('denies egress by default but DNS: a pod sends exactly where a policy admits it, and only the Flink pods and the operator reach the API server', () => {
    expect(policy(s, 'default-deny-egress').spec).toEqual({ pod_selector: {}, policy_types: ['Egress'] });
    const policies = resources(s, 'kubernetes_network_policy_v1');
    const ports = (rule: Json): string[] => (rule.ports ?? [{ port: 'any' }]).map((x: Json) => x.port);
    const sent = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((rule: Json) => (rule.to ?? []).filter((to: Json) => to.pod_selector).flatMap((to: Json) =>
      ports(rule).map((port) => `${labelString(p.spec.pod_selector.match_labels)} -> ${labelString(to.pod_selector.match_labels)}:${port}`))));
    const received = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: Json) => (rule.from ?? []).flatMap((from: Json) =>
      ports(rule).map((port) => `${labelString(from.pod_selector.match_labels)} -> ${labelString(p.spec.pod_selector.match_labels)}:${port}`))));
    expect(sent.sort()).toEqual(received.sort());
    const beyondPods = policies.filter((p) => (p.spec.egress ?? []).some((rule: Json) => !rule.to || rule.to.some((to: Json) => to.ip_block)));
    expect(beyondPods.map((p) => p.metadata.name).sort()).toEqual(['allow-dns-egress', 'flink-kubernetes-operator-to-api-server', 'flink-to-api-server']);
  });

  it('leaves Terraform only references to interpolate, literal text escaped', () => {
    const text = JSON.stringify(s);
    const interpolations = [...text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]);
    expect(interpolations.length).toBeGreaterThan(0);
    for (const ref of interpolations) expect(ref).toMatch(/^(kubernetes_[a-z_0-9]+|random_password|helm_release)\.[\w-]+\./);
    if (sink === 'jdbc') expect(Object.values(jobScripts(s)).join('\n')).toContain('${LEADERBOARD_JDBC_PASSWORD}');
  });

  it('generates the passwords at deploy time and never writes one into the configuration', () => {
    const secrets = resources(s, 'kubernetes_secret_v1');
    if (sink === 'jdbc') {
      expect(secrets.map((x) => x.metadata.name)).toEqual(['postgres-passwords']);
      for (const value of Object.values(secrets[0].data)) expect(value).toMatch(/^\$\{random_password\.[^}]+\.result\}$/);
    } else {
      expect(secrets).toEqual([]);
    }
    const text = JSON.stringify(s);
    // Every environment variable that carries a password takes it from the Secret.
    const literal = [...text.matchAll(/\{"name":"([A-Z_]*PASSWORD[A-Z_]*)","value":/g)].map((m) => m[1]);
    expect(literal).toEqual([]);
    const literalCr = flinkResources(s).flatMap((r) => [...JSON.stringify(r).matchAll(/"name":"([A-Z_]*PASSWORD[A-Z_]*)","value":/g)]);
    expect(literalCr).toEqual([]);
    // The generated values reach the pods only through the Secret, never through the pod specs.
    const { kubernetes_secret_v1: _secrets, random_password: _passwords, ...others } = s.resource;
    expect(JSON.stringify(others)).not.toContain('random_password.');
    // SQL connector options carry the runner's placeholder, not a value.
    for (const sql of Object.values(jobScripts(s))) expect(sql).not.toMatch(/'password'\s*=\s*'(?!\$\{)/);
  });
});

describe('k8s stack configuration', () => {
  it('names the project images under the configured registry', () => {
    const s = synth('k8s-jdbc', { ...DEFAULT_CONFIG, kubernetes: { ...DEFAULT_CONFIG.kubernetes, imageRegistry: 'localhost:5001/', namespace: 'lb-test' } });
    expect(sessionDeployment(s).spec.image).toBe('localhost:5001/leaderboard-stack/flink:0.1.0');
    expect(workload(s, 'dashboard').pod.container[0].image).toBe('localhost:5001/leaderboard-stack/dashboard:0.1.0');
    expect(resources(s, 'kubernetes_namespace_v1')[0].metadata.name).toBe('lb-test');
    expect(sessionJobs(s)[0].spec.job.jarURI).toMatch(/^http:\/\/flink-artifacts\.lb-test\.svc:8080\//);
  });

  it('takes the operator chart from a local directory and the operator image from the configuration', () => {
    const chart = '/opt/charts/flink-kubernetes-operator';
    const image = 'leaderboard-standin/flink-kubernetes-operator:1.15.0';
    const s = synth('k8s-jdbc', { ...DEFAULT_CONFIG, images: { ...DEFAULT_CONFIG.images, flinkOperator: image }, kubernetes: { ...DEFAULT_CONFIG.kubernetes, operatorChart: chart } });
    const operator = resources(s, 'helm_release').find((r) => r.name === 'flink-kubernetes-operator')!;
    expect(operator.chart).toBe(chart);
    expect(operator.repository).toBeUndefined();
    expect(operator.version).toBeUndefined();
    expect(JSON.parse(operator.values[0]).image).toEqual({ repository: 'leaderboard-standin/flink-kubernetes-operator', tag: '1.15.0', digest: '', pullPolicy: 'IfNotPresent' });
  });

  it('splits image references into the chart image values', () => {
    expect(operatorImageValues('localhost:5001/flink-kubernetes-operator')).toEqual({ repository: 'localhost:5001/flink-kubernetes-operator', tag: '', digest: '', pullPolicy: 'IfNotPresent' });
    expect(operatorImageValues('apache/flink-kubernetes-operator:1.15.0@sha256:abc')).toEqual({ repository: 'apache/flink-kubernetes-operator', tag: '1.15.0', digest: 'sha256:abc', pullPolicy: 'IfNotPresent' });
  });

  it('uses an external Kafka and PostgreSQL: no broker or database, their passwords Terraform variables kept in Secrets', () => {
    const s = synth('k8s-jdbc', parseConfig({
      kafka: { external: { bootstrapServers: 'b.example:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'lb' } },
      postgres: { external: { host: 'db.example', adminUser: 'owner', sslMode: 'require' } },
    }));
    const names = workloads(s).map((w) => w.name);
    expect(names.filter((n) => /^(kafka|postgres)(-\d+)?$/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['kafka-topics', 'postgres-setup']));
    expect(s.variable).toEqual({
      kafka_password: expect.objectContaining({ sensitive: true, type: 'string' }),
      postgres_admin_password: expect.objectContaining({ sensitive: true, type: 'string' }),
    });
    const secrets = Object.fromEntries(resources(s, 'kubernetes_secret_v1').map((r) => [r.metadata.name, r.data]));
    expect(secrets['kafka-credentials']).toEqual({ password: '${var.kafka_password}' });
    expect(secrets['postgres-admin']).toEqual({ password: '${var.postgres_admin_password}' });
    // The jobs' runner fills ${LEADERBOARD_KAFKA_PASSWORD} from the session's environment.
    expect(JSON.stringify(sessionDeployment(s))).toContain('"name":"LEADERBOARD_KAFKA_PASSWORD","valueFrom":{"secretKeyRef":{"name":"kafka-credentials","key":"password"}}');
    expect(workload(s, 'dashboard').pod.container[0].env).toEqual(expect.arrayContaining([{ name: 'PGHOST', value: 'db.example' }, { name: 'PGSSLMODE', value: 'no-verify' }]));
  });

  it('with Avro input runs the schema registry, reached only by the injector, the Flink pods and the Avro boards\' dashboard, itself reaching only Kafka', () => {
    const s = synth('k8s-kafka', parseConfig({ events: { format: 'avro' } }));
    const pods = (name: string) => `app.kubernetes.io/name=${name},leaderboard.stack=k8s-kafka`;
    const flink = 'app=leaderboard-flink,type=flink-native-kubernetes';
    expect(clientsOf(s, pods('schema-registry')).sort()).toEqual([`${flink}:8085`, `${pods('injector')}:8085`, `${pods('dashboard')}:8085`].sort());
    expect(envOf(workload(s, 'dashboard').pod.container[0]).DASHBOARD_SCHEMA_REGISTRY_URL.value).toBe('http://schema-registry:8085');
    expect(clientsOf(s, pods('kafka'))).toContain(`${pods('schema-registry')}:9092`);
    expect(envOf(workload(s, 'injector').pod.container[0]).INJECTOR_SCHEMA_REGISTRY_URL.value).toBe('http://schema-registry:8085');
    expect(Object.values(jobScripts(s)).join('\n')).toContain("'leaderboard-user-score.avro-confluent.url' = 'http://schema-registry:8085'");
    expect(workload(s, 'schema-registry').pod.container[0].security_context).toMatchObject({ run_as_non_root: true, read_only_root_filesystem: true });
    expect(workloads(synth('k8s-kafka')).map((w) => w.name)).not.toContain('schema-registry');
  });

  it('configures the providers from the kubeconfig settings', () => {
    const s = synth('k8s-kafka', { ...DEFAULT_CONFIG, kubernetes: { ...DEFAULT_CONFIG.kubernetes, kubeconfigPath: '/tmp/kc', context: 'kind-leaderboard' } });
    expect(s.provider.kubernetes[0]).toEqual(expect.objectContaining({ config_path: '/tmp/kc', config_context: 'kind-leaderboard' }));
    expect(s.provider.helm[0].kubernetes).toEqual(expect.objectContaining({ config_path: '/tmp/kc', config_context: 'kind-leaderboard' }));
  });
});
