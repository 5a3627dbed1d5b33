import { Container } from '@cdktf/provider-docker/lib/container';
import { Dashboard } from '../dashboard';
import { ILeaderboardSinks } from '../sinks';
import { TEST_STACK, containerOf, envOf, fakeSecret, synthOnDocker } from '../../test-support/constructs';

const kafkaSinks: ILeaderboardSinks = {
  renderOptions: { variant: 'kafka' },
  boards: { variant: 'kafka', bootstrapServers: 'broker:9092' },
  jobSecretEnv: {},
  ready: [],
};

const jdbcSinks: ILeaderboardSinks = {
  renderOptions: { variant: 'jdbc', jdbcUrl: 'jdbc:postgresql://db:5432/leaderboard', jdbcUsername: 'writer' },
  boards: { variant: 'jdbc', host: 'db', port: 5432, database: 'leaderboard', reader: { user: 'reader', password: fakeSecret('reader') } },
  jobSecretEnv: {},
  ready: [],
};

describe('Dashboard', () => {
  it('serves on 8080, published on 127.0.0.1:8080 by default, health-checked, as a non-root user', () => {
    let dashboard: Dashboard | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      dashboard = new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks });
    });
    expect(dashboard!.address).toEqual({ name: 'dashboard', port: 8080 });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-dashboard`,
      user: '1000',
      ports: [{ internal: 8080, external: 8080, ip: '127.0.0.1' }],
      healthcheck: expect.objectContaining({ test: expect.arrayContaining(['CMD', 'node']) }),
    });
  });

  it('publishes on the host port and address given', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks, hostPort: 9090, bindAddress: '127.0.0.2' });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { ports: [{ internal: 8080, external: 9090, ip: '127.0.0.2' }] });
  });

  it("reads the jobs' states from Flink's REST API when it may", () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks, jobStatusUrl: 'http://jobmanager:8081' });
    });
    expect(envOf(containerOf(synthesized, 'dashboard')).DASHBOARD_FLINK_URL).toBe('http://jobmanager:8081');
  });

  it('reads the Kafka boards from the bootstrap servers, with no password', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: kafkaSinks });
    });
    expect(envOf(containerOf(synthesized, 'dashboard'))).toEqual({
      DASHBOARD_PORT: '8080',
      DASHBOARD_HOST: '0.0.0.0',
      DASHBOARD_SOURCE: 'kafka',
      DASHBOARD_KAFKA_BOOTSTRAP_SERVERS: 'broker:9092',
    });
  });

  it('reads the JDBC boards as the read-only role, its password a secret', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: jdbcSinks });
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

  it('starts once the boards are ready', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const db = platform.addService(scope, { name: 'db', component: 'postgres', image: 'postgres:test', user: '999', resources: { cpuMillis: 1, memoryMiB: 1 } });
      new Dashboard(scope, 'dashboard', { platform, image: 'dashboard:test', sinks: { ...jdbcSinks, ready: [db] } });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-dashboard`, depends_on: ['docker_container.db'] });
  });
});
