import { Container } from '@cdktf/provider-docker/lib/container';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ExternalPostgres } from '../external-postgres';
import { READER_USER, WRITER_USER, initScript } from '../postgres';
import { JdbcSinks } from '../sinks';
import { TEST_STACK, containerOf, envOf, resourcesOf, synthOnDocker, synthOnK8s } from '../../test-support/constructs';

const ADMIN_PASSWORD = '${var.postgres_admin_password}';

describe('ExternalPostgres', () => {
  it('deploys no server, only a task setting up the schema, tables and roles there as the admin', () => {
    let pg: ExternalPostgres | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      pg = new ExternalPostgres(scope, 'postgres', {
        platform,
        image: 'postgres:test',
        host: 'db.example',
        port: 6432,
        database: 'games',
        adminUser: 'owner',
        adminPassword: ADMIN_PASSWORD,
        sslMode: 'require',
        extraInitSql: 'SELECT 42;',
      });
    });
    expect(resourcesOf(synthesized, 'docker_container').map((c) => c.name)).toEqual([`${TEST_STACK}-postgres-setup`]);
    const setup = containerOf(synthesized, 'postgres-setup');
    expect(envOf(setup)).toMatchObject({
      POSTGRES_USER: 'owner',
      POSTGRES_DB: 'games',
      PGHOST: 'db.example',
      PGPORT: '6432',
      PGSSLMODE: 'require',
      PGPASSWORD: ADMIN_PASSWORD,
    });
    expect(envOf(setup).LEADERBOARD_WRITER_PASSWORD).toMatch(/random_password\..*writer/);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-postgres-setup`,
      restart: 'no',
      upload: [expect.objectContaining({ content: initScript({ extraSql: 'SELECT 42;', ownsDatabase: false }).replace(/\$\{/g, '$${') })],
    });
    expect(pg!.endpoints).toEqual([expect.objectContaining({ host: 'db.example', port: 6432, external: true })]);
    expect(pg!.jdbcUrl).toBe('jdbc:postgresql://db.example:6432/games?sslmode=require');
    expect([pg!.writer.user, pg!.reader.user]).toEqual([WRITER_USER, READER_USER]);
  });

  it('is what the JDBC sinks write to and the boards are read from', () => {
    let sinks: JdbcSinks | undefined;
    synthOnDocker((scope, platform) => {
      const postgres = new ExternalPostgres(scope, 'postgres', { platform, image: 'postgres:test', host: '10.0.0.5', adminUser: 'postgres', adminPassword: ADMIN_PASSWORD });
      sinks = new JdbcSinks(scope, 'sinks', { postgres });
    });
    expect(sinks!.renderOptions).toEqual({ variant: 'jdbc', jdbcUrl: 'jdbc:postgresql://10.0.0.5:5432/leaderboard', jdbcUsername: WRITER_USER });
    expect(sinks!.boards).toMatchObject({ variant: 'jdbc', endpoints: [expect.objectContaining({ address: '10.0.0.5:5432', external: true })], host: '10.0.0.5', port: 5432, database: 'leaderboard', sslMode: 'disable' });
  });

  it('keeps the admin password and the generated ones in Kubernetes Secrets', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      new ExternalPostgres(scope, 'postgres', { platform, image: 'postgres:test', host: 'db.example', adminUser: 'owner', adminPassword: ADMIN_PASSWORD });
    });
    expect(synthesized).toHaveResourceWithProperties(SecretV1, { metadata: expect.objectContaining({ name: 'postgres-admin' }), data: { password: ADMIN_PASSWORD } });
    expect(synthesized).toHaveResourceWithProperties(SecretV1, { metadata: expect.objectContaining({ name: 'postgres-passwords' }) });
    expect(resourcesOf(synthesized, 'kubernetes_stateful_set_v1')).toEqual([]);
  });
});
