import { TerraformStack, Testing } from 'cdktf';
import { dashboardChangeTriggersSql } from '../../dashboard/src/postgres-setup';
import { buildApp } from '../app';
import { DEFAULT_CONFIG, LeaderboardConfig, parseConfig } from '../config';
import { tempDir } from '../../test-support/temp-dirs';

interface Container {
  name: string;
  env?: string[];
  labels: { label: string; value: string }[];
  ports?: { internal: number; external: number; ip: string }[];
  upload?: { file: string; content: string }[];
  healthcheck?: { test: string[] };
  restart: string;
  depends_on?: string[];
  user?: string;
  volumes?: { volume_name: string; container_path: string }[];
  command?: string[];
  entrypoint?: string[];
  log_driver?: string;
  log_opts?: Record<string, string>;
  capabilities?: { drop?: string[] };
  security_opts?: string[];
  read_only?: boolean;
}

interface Synthesized {
  resource: {
    docker_container: Record<string, Container>;
    docker_network: Record<string, { name: string }>;
    docker_volume: Record<string, { name: string; labels: { label: string; value: string }[] }>;
    random_password: Record<string, { length: number }>;
  };
  output: Record<string, { value: string }>;
}

function synth(stackName: string, config: LeaderboardConfig = DEFAULT_CONFIG): Synthesized {
  const app = buildApp({ outdir: tempDir('synth'), config });
  return JSON.parse(Testing.synth(app.node.findChild(stackName) as TerraformStack)) as Synthesized;
}

const containers = (s: Synthesized): Container[] => Object.values(s.resource.docker_container);
const component = (s: Synthesized, name: string): Container[] =>
  containers(s).filter((c) => c.labels.some((l) => l.label === 'leaderboard.component' && l.value === name));
const only = (s: Synthesized, name: string): Container => {
  const found = component(s, name);
  expect(found).toHaveLength(1);
  return found[0];
};
const envOf = (c: Container): Record<string, string> =>
  Object.fromEntries((c.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
const jobScripts = (s: Synthesized): string => (only(s, 'jobmanager').upload ?? []).map((u) => u.content).join('\n');
const jobsOf = (s: Synthesized): string[] => only(s, 'submitter').command!.filter((_, i, all) => all[i - 1] === '--job');

describe.each(['docker-jdbc', 'docker-kafka'])('%s', (stackName) => {
  const s = synth(stackName);
  const sink = stackName.endsWith('jdbc') ? 'jdbc' : 'kafka';

  it('has every component, labelled with the stack', () => {
    const expected = ['kafka', 'jobmanager', 'taskmanager', 'submitter', 'sql-client', 'injector', 'dashboard', ...(sink === 'jdbc' ? ['postgres'] : [])];
    for (const name of expected) expect(component(s, name).length).toBeGreaterThan(0);
    if (sink === 'kafka') expect(component(s, 'postgres')).toHaveLength(0);
    for (const c of containers(s)) {
      expect(c.labels).toContainEqual({ label: 'leaderboard.stack', value: stackName });
      expect(c.name.startsWith(`${stackName}-`)).toBe(true);
    }
  });

  it('puts every container on the stack network, with named labelled volumes', () => {
    const network = Object.values(s.resource.docker_network);
    expect(network).toHaveLength(1);
    const volumes = Object.values(s.resource.docker_volume);
    expect(volumes.map((v) => v.name).sort()).toEqual(
      [`${stackName}-flink-checkpoints`, `${stackName}-kafka-data`, `${stackName}-sql-catalog`, ...(sink === 'jdbc' ? [`${stackName}-postgres-data`] : [])].sort(),
    );
    for (const v of volumes) expect(v.labels).toContainEqual({ label: 'leaderboard.stack', value: stackName });
  });

  it('publishes only the dashboard and the Flink UI, on 127.0.0.1', () => {
    const published = containers(s).filter((c) => (c.ports ?? []).length > 0);
    expect(published.map((c) => c.name).sort()).toEqual([`${stackName}-dashboard`, `${stackName}-jobmanager`]);
    expect(only(s, 'dashboard').ports).toEqual([{ internal: 8080, external: 8080, ip: '127.0.0.1' }]);
    expect(only(s, 'jobmanager').ports).toEqual([{ internal: 8081, external: 8081, ip: '127.0.0.1' }]);
    expect(s.output.dashboard_url.value).toBe('http://127.0.0.1:8080/');
  });

  it('rotates every container\'s log and runs each without capabilities or a way to gain privileges', () => {
    for (const c of containers(s)) {
      expect({ name: c.name, log: c.log_driver, opts: c.log_opts }).toEqual({ name: c.name, log: 'json-file', opts: { 'max-size': '10m', 'max-file': '3' } });
      expect({ name: c.name, caps: c.capabilities, security: c.security_opts }).toEqual({ name: c.name, caps: { drop: ['ALL'] }, security: ['no-new-privileges'] });
    }
  });

  it('mounts the dashboard\'s and the injector\'s root file systems read-only', () => {
    for (const name of ['dashboard', 'injector']) expect({ name, readOnly: only(s, name).read_only }).toEqual({ name, readOnly: true });
  });

  it('runs no container as root, and health-checks every long-running server', () => {
    for (const c of containers(s)) expect(c.user).toMatch(/^[1-9][0-9]*(:[0-9]+)?$/);
    for (const name of ['kafka', 'jobmanager', 'dashboard', ...(sink === 'jdbc' ? ['postgres'] : [])]) {
      const server = component(s, name).find((c) => c.restart === 'unless-stopped')!;
      expect(server.healthcheck?.test[0]).toBe('CMD');
    }
  });

  it('starts services in dependency order', () => {
    const ref = (c: Container): string => Object.entries(s.resource.docker_container).find(([, v]) => v === c)![0];
    const submitter = only(s, 'submitter');
    const deps = submitter.depends_on!.join(' ');
    expect(deps).toContain(ref(only(s, 'jobmanager')));
    expect(deps).toContain(ref(only(s, 'taskmanager')));
    expect(deps).toContain('kafka-topics');
    if (sink === 'jdbc') expect(deps).toContain(ref(only(s, 'postgres')));
    expect(only(s, 'injector').depends_on!.join(' ')).toContain('kafka-topics');
  });

  it('runs the configured jobs against the configured input topic', () => {
    expect(jobsOf(s)).toEqual(['leaderboard-all-metrics=/opt/flink/jobs/leaderboard-all-metrics.sql']);
    expect(jobScripts(s)).toMatch(/'topic' = 'user-score'[\s\S]*'scan.startup.mode' = 'earliest-offset'/);
  });

  it('gives the dashboard the sink variant settings', () => {
    expect(envOf(only(s, 'dashboard')).DASHBOARD_SOURCE).toBe(sink);
    expect(envOf(only(s, 'dashboard')).DASHBOARD_FLINK_URL).toBe('http://jobmanager:8081');
    if (sink === 'jdbc') expect(only(s, 'postgres').upload![0].content).toContain(dashboardChangeTriggersSql());
  });

  it('contains no literal password: every password is a generated value', () => {
    for (const c of containers(s)) {
      for (const [key, value] of Object.entries(envOf(c))) {
        if (/PASSWORD/.test(key)) expect(value).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
      }
    }
    if (sink === 'jdbc') {
      expect(Object.keys(s.resource.random_password)).toHaveLength(3);
      expect(envOf(only(s, 'jobmanager')).LEADERBOARD_JDBC_PASSWORD).toMatch(/random_password/);
      expect(envOf(only(s, 'dashboard')).PGPASSWORD).toMatch(/random_password/);
      expect(envOf(only(s, 'jobmanager')).LEADERBOARD_JDBC_PASSWORD).not.toBe(envOf(only(s, 'dashboard')).PGPASSWORD);
    }
  });
});

describe('configuration reaches the Docker stack', () => {
  it('publishes Kafka and PostgreSQL only when asked, on the configured address', () => {
    const config = parseConfig({ expose: { kafkaPort: 19092, postgresPort: 15432, bindAddress: '127.0.0.2' }, dashboard: { port: 9090 } });
    const s = synth('docker-jdbc', config);
    expect(only(s, 'postgres').ports).toEqual([{ internal: 5432, external: 15432, ip: '127.0.0.2' }]);
    expect(component(s, 'kafka').find((c) => c.ports?.length)!.ports).toEqual([{ internal: 9094, external: 19092, ip: '127.0.0.2' }]);
    expect(envOf(component(s, 'kafka').find((c) => c.ports?.length)!).KAFKA_ADVERTISED_LISTENERS).toContain('HOST://localhost:19092');
    expect(only(s, 'dashboard').ports).toEqual([{ internal: 8080, external: 9090, ip: '127.0.0.2' }]);
  });

  it('keeps the Flink UI on loopback when the dashboard is published elsewhere, and unpublished when its port is null', () => {
    const remoteDashboard = synth('docker-jdbc', parseConfig({ expose: { bindAddress: '0.0.0.0' } }));
    expect(only(remoteDashboard, 'dashboard').ports).toEqual([{ internal: 8080, external: 8080, ip: '0.0.0.0' }]);
    expect(only(remoteDashboard, 'jobmanager').ports).toEqual([{ internal: 8081, external: 8081, ip: '127.0.0.1' }]);
    const closed = synth('docker-jdbc', parseConfig({ flink: { uiPort: null } }));
    expect(only(closed, 'jobmanager').ports ?? []).toEqual([]);
    expect(closed.output.flink_ui_url.value).toBe('not published (flink.uiPort is null)');
  });

  it('drops the injector when disabled and passes a finite deterministic run through', () => {
    expect(component(synth('docker-kafka', parseConfig({ injector: { enabled: false } })), 'injector')).toHaveLength(0);
    const s = synth('docker-kafka', parseConfig({ injector: { maxEvents: 500, seed: 42, eventsPerSecond: 1000 } }));
    const injector = only(s, 'injector');
    expect(envOf(injector)).toMatchObject({ INJECTOR_MAX_EVENTS: '500', INJECTOR_SEED: '42', INJECTOR_AVG_QPS: '1000' });
    expect(injector.restart).toBe('on-failure');
  });

  it('runs one job per metric when configured', () => {
    const s = synth('docker-jdbc', parseConfig({ flink: { jobLayout: 'per-metric' } }));
    expect(jobsOf(s).map((j) => j.split('=')[0]).sort()).toEqual(['leaderboard-hot-streaks', 'leaderboard-suspected-bots', 'leaderboard-team-mvps', 'leaderboard-top-players', 'leaderboard-top-teams']);
    expect(only(s, 'jobmanager').upload).toHaveLength(5);
  });

  it('deploys a schema registry with Avro input: the injector registers and writes through it, the jobs, the SQL client and the Kafka boards\' dashboard read through it', () => {
    expect(component(synth('docker-kafka'), 'schema-registry')).toHaveLength(0);
    const s = synth('docker-kafka', parseConfig({ events: { format: 'avro' } }));
    const registry = only(s, 'schema-registry');
    expect(registry.ports ?? []).toEqual([]);
    expect(registry.read_only).toBe(true);
    expect(envOf(registry)).toMatchObject({ SCHEMA_REGISTRY_KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092', SCHEMA_REGISTRY_TOPIC: '_schemas' });
    expect(envOf(only(s, 'injector'))).toMatchObject({ INJECTOR_FORMAT: 'avro', INJECTOR_SCHEMA_REGISTRY_URL: 'http://schema-registry:8085' });
    const avro = "'leaderboard-user-score.encoding' = 'avro-confluent',\n  'leaderboard-user-score.avro-confluent.url' = 'http://schema-registry:8085'";
    expect(jobScripts(s)).toContain(avro);
    expect((only(s, 'sql-client').upload ?? []).map((u) => u.content).join('\n')).toContain(avro);
    // The stack creates the registry's topic with its others, replicated as they are.
    expect(JSON.stringify(component(s, 'kafka'))).toContain("--topic '_schemas' --partitions 1 --replication-factor 1 --config 'cleanup.policy=compact'");
    // The Kafka boards are Avro too, read by the dashboard through the registry; the JDBC ones stay tables.
    expect(jobScripts(s)).toContain("'key.avro-confluent.subject' = 'top-teams-key'");
    expect(jobScripts(s)).toContain("'value.avro-confluent.subject' = 'top-teams-value'");
    expect(envOf(only(s, 'dashboard'))).toMatchObject({ DASHBOARD_SCHEMA_REGISTRY_URL: 'http://schema-registry:8085' });
    expect(envOf(only(synth('docker-jdbc', parseConfig({ events: { format: 'avro' } })), 'dashboard'))).not.toHaveProperty('DASHBOARD_SCHEMA_REGISTRY_URL');
  });
});
