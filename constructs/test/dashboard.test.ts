import { Container } from '@cdktf/provider-docker/lib/container';
import { Construct } from 'constructs';
import { PLAINTEXT } from '../../common/kafka-client';
import { Dashboard } from '../dashboard';
import { KafkaClient } from '../kafka-client';
import { PostgresSslMode } from '../postgres';
import { DockerPlatform } from '../platform/docker';
import { ILeaderboardSinks } from '../sinks';
import { SchemaRegistry } from '../schema-registry';
import { TEST_STACK, containerOf, envOf, fakeSecret, kafkaOn, serverOn, synthOnDocker } from '../../test-support/constructs';

/** Kafka boards on a broker service of the stack. */
const kafkaSinks = (scope: Construct, platform: DockerPlatform, client: KafkaClient = { security: PLAINTEXT }): ILeaderboardSinks => {
  const broker = serverOn(scope, platform, 'broker', 9092).endpoint();
  return { renderOptions: { variant: 'kafka' }, boards: { variant: 'kafka', endpoints: [broker], bootstrapServers: broker.address, client }, jobSecretEnv: {}, ready: [] };
};

/** JDBC boards in a database service of the stack, which is also what the boards wait for. */
const jdbcSinks = (scope: Construct, platform: DockerPlatform, sslMode: PostgresSslMode = 'disable'): ILeaderboardSinks => {
  const db = serverOn(scope, platform, 'db', 5432);
  return {
    renderOptions: { variant: 'jdbc', jdbcUrl: 'jdbc:postgresql://db:5432/leaderboard', jdbcUsername: 'writer' },
    boards: {
      variant: 'jdbc',
      endpoints: [db.endpoint()],
      host: 'db',
      port: 5432,
      database: 'leaderboard',
      sslMode,
      reader: { user: 'reader', password: fakeSecret('reader') },
    },
    jobSecretEnv: {},
    ready: [db],
  };
};

describe('Dashboard', () => {
  it('serves on 8080, published on 127.0.0.1:8080 by default, health-checked, as a non-root user', () => {
    let dashboard: Dashboard | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      dashboard = new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks(scope, platform) });
    });
    expect(dashboard!.endpoint.address).toBe('dashboard:8080');
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-dashboard`,
      user: '1000',
      ports: [{ internal: 8080, external: 8080, ip: '127.0.0.1' }],
      healthcheck: expect.objectContaining({ test: expect.arrayContaining(['CMD', 'node']) }),
    });
  });

  it('publishes on the host port and address given', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks(scope, platform), hostPort: 9090, bindAddress: '127.0.0.2' });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { ports: [{ internal: 8080, external: 9090, ip: '127.0.0.2' }] });
  });

  it("reads the jobs' states from Flink's REST API when it may", () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const jobStatus = serverOn(scope, platform, 'jobmanager', 8081).endpoint();
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks(scope, platform), jobStatus });
    });
    expect(envOf(containerOf(synthesized, 'dashboard')).DASHBOARD_FLINK_URL).toBe('http://jobmanager:8081');
  });

  it('reads the Kafka boards from the bootstrap servers, with no password', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks(scope, platform) });
    });
    expect(envOf(containerOf(synthesized, 'dashboard'))).toEqual({
      DASHBOARD_PORT: '8080',
      DASHBOARD_HOST: '0.0.0.0',
      DASHBOARD_SOURCE: 'kafka',
      DASHBOARD_KAFKA_BOOTSTRAP_SERVERS: 'broker:9092',
    });
  });

  it('reads Avro Kafka boards through the schema registry, which it waits for', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const kafka = kafkaOn(scope, platform);
      const schemaRegistry = new SchemaRegistry(scope, 'registry', { platform, image: 'schema-registry:test', kafka });
      const sinks: ILeaderboardSinks = { renderOptions: { variant: 'kafka' }, boards: { variant: 'kafka', ...kafka }, jobSecretEnv: {}, ready: [kafka.ready] };
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks, schemaRegistry });
    });
    const container = containerOf(synthesized, 'dashboard');
    expect(envOf(container).DASHBOARD_SCHEMA_REGISTRY_URL).toBe('http://schema-registry:8085');
    expect(container.depends_on).toContainEqual(expect.stringMatching(/^docker_container\.registry_schema-registry_/));
  });

  it('reads the JDBC boards as the read-only role, its password a secret', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: jdbcSinks(scope, platform) });
    });
    expect(envOf(containerOf(synthesized, 'dashboard'))).toEqual({
      DASHBOARD_PORT: '8080',
      DASHBOARD_HOST: '0.0.0.0',
      DASHBOARD_SOURCE: 'jdbc',
      PGHOST: 'db',
      PGPORT: '5432',
      PGDATABASE: 'leaderboard',
      PGUSER: 'reader',
      PGPASSWORD: 'secret:reader',
    });
  });

  it('reads Kafka boards with SASL settings, the password a secret', () => {
    const client: KafkaClient = { security: { securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'boards' } }, password: fakeSecret('kafka') };
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks(scope, platform, client) });
    });
    expect(envOf(containerOf(synthesized, 'dashboard'))).toMatchObject({
      DASHBOARD_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      DASHBOARD_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      DASHBOARD_KAFKA_SASL_USERNAME: 'boards',
      DASHBOARD_KAFKA_SASL_PASSWORD: 'secret:kafka',
    });
  });

  it("encrypts without verifying the server's certificate where the JDBC boards' server requires TLS", () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: jdbcSinks(scope, platform, 'require') });
    });
    expect(envOf(containerOf(synthesized, 'dashboard')).PGSSLMODE).toBe('no-verify');
  });

  it('starts once the boards are ready', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: jdbcSinks(scope, platform) });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-dashboard`, depends_on: ['docker_container.db'] });
  });
});
