import { Container } from '@cdktf/provider-docker/lib/container';
import { JDBC_PASSWORD_ENV, kafkaSinkTopics } from '../../common/contract';
import { PLAINTEXT } from '../../common/kafka-client';
import { Kafka } from '../kafka';
import { Postgres } from '../postgres';
import { createTopicsScript } from '../kafka-topics';
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
    expect(sinks!.boards).toEqual({ variant: 'kafka', endpoints: kafka!.endpoints, bootstrapServers: 'kafka:9092', client: { security: PLAINTEXT } });
    expect(kafka!.endpoints.map((e) => e.address)).toEqual(['kafka:9092']);
    expect(sinks!.jobSecretEnv).toEqual({});
    expect(sinks!.ready).toEqual([kafka!.ready]);
  });
});

describe('JdbcSinks', () => {
  it('has the jobs write as the writer, its password from the environment, and readers read as the reader', () => {
    let sinks: JdbcSinks | undefined;
    let pg: Postgres | undefined;
    synthOnDocker((scope, platform) => {
      pg = new Postgres(scope, 'postgres', { platform, image: 'postgres:test' });
      sinks = new JdbcSinks(scope, 'sinks', { postgres: pg });
    });
    expect(sinks!.renderOptions).toEqual({ variant: 'jdbc', jdbcUrl: 'jdbc:postgresql://postgres:5432/leaderboard', jdbcUsername: 'leaderboard_writer' });
    expect(sinks!.jobSecretEnv).toEqual({ [JDBC_PASSWORD_ENV]: pg!.writer.password });
    expect(sinks!.boards).toEqual({
      variant: 'jdbc',
      endpoints: [pg!.endpoint],
      host: 'postgres',
      port: 5432,
      database: 'leaderboard',
      sslMode: 'disable',
      reader: pg!.reader,
    });
    expect(sinks!.ready).toEqual([pg!.service]);
  });
});
