import { Container } from '@cdktf/provider-docker/lib/container';
import { Testing } from 'cdktf';
import { INPUT_PARTITIONS, METRICS, SinkVariant, kafkaSinkTopics } from '../../common/contract';
import { DockerTarget } from '../docker/target';
import { kafkaPartitionBudget } from '../kafka';
import { createTopicsScript, retentionConfig } from '../kafka-topics';
import { DEFAULT_INPUT_RETENTION, LeaderboardPipeline, LeaderboardPipelineProps } from '../pipeline';
import { TEST_STACK, containerOf, envOf } from '../../test-support/constructs';

type Props = Omit<LeaderboardPipelineProps, 'target' | 'sink'>;

const synth = (sink: SinkVariant, props: Partial<Props> = {}): string =>
  Testing.synthScope((scope) => {
    const target = new DockerTarget(scope, 'docker', { stackName: TEST_STACK, flinkBaseImage: 'flink:base', nodeImage: 'node:base' });
    new LeaderboardPipeline(scope, 'pipeline', { target, sink, kafkaImage: 'kafka:test', postgresImage: 'postgres:test', ...props });
  });

const jobScripts = (synthesized: string): string => (containerOf(synthesized, 'jobmanager').upload ?? []).map((u) => u.content).join('\n');
const submittedJobs = (synthesized: string): string[] =>
  containerOf(synthesized, 'submitter').command!.filter((_, i, all) => all[i - 1] === '--job');

describe('LeaderboardPipeline', () => {
  describe('Kafka variant', () => {
    const synthesized = synth('kafka');

    it('creates the input topic and the four compacted board topics, and runs no PostgreSQL', () => {
      const input = { name: 'user-score', partitions: INPUT_PARTITIONS, config: retentionConfig(DEFAULT_INPUT_RETENTION, kafkaPartitionBudget(5, 1, INPUT_PARTITIONS)) };
      const topics = [input, ...kafkaSinkTopics().map((t) => ({ ...t, config: { ...t.config } }))];
      expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-kafka-topics`, command: [createTopicsScript('kafka:9092', topics)] });
      expect(() => containerOf(synthesized, 'postgres')).toThrow();
    });

    it('points the jobs at Kafka by service name, for the input and the four boards', () => {
      const sql = jobScripts(synthesized);
      expect(sql).toContain("'properties.bootstrap.servers' = 'kafka:9092'");
      expect(sql).toContain("'topic' = 'user-score'");
      for (const topic of ['top-teams', 'top-players', 'hot-streaks', 'team-mvps']) expect(sql).toContain(`'topic' = '${topic}'`);
      expect(sql).toContain("'scan.startup.mode' = 'earliest-offset'");
    });

    it('runs every board in one statement set by default', () => {
      expect(submittedJobs(synthesized)).toEqual(['leaderboard-all-metrics=/opt/flink/jobs/leaderboard-all-metrics.sql']);
      expect(jobScripts(synthesized).match(/INSERT INTO/g)).toHaveLength(METRICS.length);
    });

    it('has the dashboard read the board topics', () => {
      expect(envOf(containerOf(synthesized, 'dashboard'))).toMatchObject({ DASHBOARD_SOURCE: 'kafka', DASHBOARD_KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092' });
    });

    it('runs no injector unless given its settings', () => {
      expect(() => containerOf(synthesized, 'injector')).toThrow();
    });
  });

  describe('JDBC variant', () => {
    const synthesized = synth('jdbc', { postgresInitSql: 'SELECT 42;' });

    it('points the jobs at PostgreSQL as the writer, the password left to the runner', () => {
      const sql = jobScripts(synthesized);
      expect(sql).toContain("'url' = 'jdbc:postgresql://postgres:5432/leaderboard'");
      expect(sql).toContain("'username' = 'leaderboard_writer'");
      // Escaped for Terraform, which hands the runner the literal placeholder.
      expect(sql).toContain("'password' = '$${LEADERBOARD_JDBC_PASSWORD}'");
      expect(envOf(containerOf(synthesized, 'jobmanager')).LEADERBOARD_JDBC_PASSWORD).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
    });

    it('submits the jobs once the topics and PostgreSQL are up', () => {
      const deps = containerOf(synthesized, 'submitter').depends_on!.join(' ');
      expect(deps).toContain('kafka-topics');
      expect(deps).toMatch(/docker_container\.pipeline_postgres_/);
    });

    it('runs the given init SQL in PostgreSQL', () => {
      expect(containerOf(synthesized, 'postgres').upload![0].content).toMatch(/SELECT 42;\nSQL\n$/);
    });

    it('has the dashboard read the tables as the reader, with a password of its own', () => {
      const env = envOf(containerOf(synthesized, 'dashboard'));
      expect(env).toMatchObject({ DASHBOARD_SOURCE: 'jdbc', PGHOST: 'postgres', PGPORT: '5432', PGDATABASE: 'leaderboard', PGUSER: 'leaderboard_reader' });
      expect(env.PGPASSWORD).toMatch(/random_password/);
      expect(env.PGPASSWORD).not.toBe(envOf(containerOf(synthesized, 'jobmanager')).LEADERBOARD_JDBC_PASSWORD);
    });
  });

  it('runs one job per metric when asked', () => {
    const synthesized = synth('jdbc', { jobLayout: 'per-metric' });
    expect(submittedJobs(synthesized).map((j) => j.split('=')[0]).sort()).toEqual([
      'leaderboard-hot-streaks',
      'leaderboard-suspected-bots',
      'leaderboard-team-mvps',
      'leaderboard-top-players',
      'leaderboard-top-teams',
    ]);
    expect(containerOf(synthesized, 'jobmanager').upload).toHaveLength(5);
  });

  it('reads the given input topic from the given offset, and has the injector write to it', () => {
    const synthesized = synth('kafka', { inputTopic: 'scores', startupMode: 'latest', injector: { maxEvents: 10 } });
    expect(jobScripts(synthesized)).toMatch(/'topic' = 'scores'[\s\S]*'scan.startup.mode' = 'latest-offset'/);
    expect(envOf(containerOf(synthesized, 'injector'))).toMatchObject({ INJECTOR_TOPIC: 'scores', INJECTOR_BOOTSTRAP_SERVERS: 'kafka:9092', INJECTOR_MAX_EVENTS: '10' });
  });

  it('publishes Kafka, PostgreSQL, the Flink UI and the dashboard on the ports and address given', () => {
    const synthesized = synth('jdbc', { kafkaHostPort: 19092, postgresHostPort: 15432, flink: { uiPort: 18081, bindAddress: '127.0.0.2' }, dashboardPort: 9090, bindAddress: '127.0.0.2' });
    const ip = '127.0.0.2';
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-kafka`, ports: [{ internal: 9094, external: 19092, ip }] });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-postgres`, ports: [{ internal: 5432, external: 15432, ip }] });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-jobmanager`, ports: [{ internal: 8081, external: 18081, ip }] });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-dashboard`, ports: [{ internal: 8080, external: 9090, ip }] });
  });

  it('refuses broker settings with an external Kafka, naming them, instead of ignoring them', () => {
    const externalKafka = { bootstrapServers: 'b1.example:9092' };
    expect(() => synth('kafka', { externalKafka, kafkaBrokers: 3, kafkaHostPort: 19092 })).toThrow(
      'LeaderboardPipeline: kafkaBrokers and kafkaHostPort do not apply with externalKafka',
    );
    expect(() => synth('kafka', { externalKafka })).not.toThrow();
  });
});
