import { Container } from '@cdktf/provider-docker/lib/container';
import { JDBC_PASSWORD_ENV, kafkaSinkTopics } from '../../common/contract';
import { Kafka, createTopicsScript } from '../kafka';
import { JdbcSinks, KafkaSinks } from '../sinks';
import { TEST_STACK, synthOnDocker } from '../../test-support/constructs';

describe('KafkaSinks', () => {
  it('creates the four compacted board topics with the broker, and tells the jobs and readers where they are', () => {
    let sinks: KafkaSinks | undefined;
    let kafka: Kafka | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      kafka = new Kafka(scope, 'kafka', { platform, image: 'kafka:test' });
      sinks = new KafkaSinks(scope, 'sinks', { kafka });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-kafka-topics`,
      command: [createTopicsScript('kafka:9092', kafkaSinkTopics().map((t) => ({ ...t, config: { ...t.config } })))],
    });
    expect(sinks!.renderOptions).toEqual({ variant: 'kafka' });
    expect(sinks!.boards).toEqual({ variant: 'kafka', endpoints: kafka!.endpoints, bootstrapServers: 'kafka:9092' });
    expect(kafka!.endpoints.map((e) => e.address)).toEqual(['kafka:9092']);
    expect(sinks!.jobSecretEnv).toEqual({});
    expect(sinks!.ready).toEqual([kafka!.ready]);
  });
});

describe('JdbcSinks', () => {
  it('runs PostgreSQL, the jobs writing as the writer with its password from the environment, readers as the reader', () => {
    let sinks: JdbcSinks | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      sinks = new JdbcSinks(scope, 'sinks', { platform, postgresImage: 'postgres:test', extraInitSql: 'SELECT 42;', hostPort: 15432 });
    });
    const pg = sinks!.postgres;
    expect(sinks!.renderOptions).toEqual({ variant: 'jdbc', jdbcUrl: 'jdbc:postgresql://postgres:5432/leaderboard', jdbcUsername: 'leaderboard_writer' });
    expect(sinks!.jobSecretEnv).toEqual({ [JDBC_PASSWORD_ENV]: pg.writer.password });
    expect(sinks!.boards).toEqual({ variant: 'jdbc', endpoint: pg.endpoint, database: 'leaderboard', reader: pg.reader });
    expect(pg.endpoint.address).toBe('postgres:5432');
    expect(sinks!.ready).toEqual([pg.service]);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-postgres`,
      image: expect.stringContaining('docker_image'),
      ports: [{ internal: 5432, external: 15432, ip: '127.0.0.1' }],
      upload: [expect.objectContaining({ content: expect.stringMatching(/SELECT 42;\nSQL\n$/) })],
    });
  });
});
