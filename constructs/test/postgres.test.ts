import { Container } from '@cdktf/provider-docker/lib/container';
import { Password } from '@cdktf/provider-random/lib/password';
import { postgresTablesDdl } from '../../common/contract';
import { Postgres, READER_USER, WRITER_USER, initScript } from '../postgres';
import { TEST_STACK, containerOf, envOf, synthOnDocker } from '../../test-support/constructs';

const IMAGE = 'postgres:test';
const INIT_SCRIPT = '/docker-entrypoint-initdb.d/10-leaderboard.sh';

describe('Postgres', () => {
  it('names the database, the JDBC URL and two roles, with passwords generated at deploy time', () => {
    let pg: Postgres | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      pg = new Postgres(scope, 'postgres', { platform, image: IMAGE });
    });
    expect(pg!.jdbcUrl).toBe('jdbc:postgresql://postgres:5432/leaderboard');
    expect(pg!.writer.user).toBe(WRITER_USER);
    expect(pg!.reader.user).toBe(READER_USER);
    expect(synthesized).toHaveResourceWithProperties(Password, { length: 32, special: false });
    expect(Object.keys(JSON.parse(synthesized).resource.random_password)).toHaveLength(3);
    const env = envOf(containerOf(synthesized, 'postgres'));
    expect(env).toMatchObject({ POSTGRES_USER: 'leaderboard_admin', POSTGRES_DB: 'leaderboard' });
    for (const key of ['POSTGRES_PASSWORD', 'LEADERBOARD_WRITER_PASSWORD', 'LEADERBOARD_READER_PASSWORD']) {
      expect(env[key]).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
    }
    expect(new Set([env.POSTGRES_PASSWORD, env.LEADERBOARD_WRITER_PASSWORD, env.LEADERBOARD_READER_PASSWORD]).size).toBe(3);
  });

  it('runs as the postgres user with a persistent data volume, private unless given a host port', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Postgres(scope, 'postgres', { platform, image: IMAGE });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-postgres`,
      user: '999',
      ports: [],
      memory: 512,
      volumes: [expect.objectContaining({ container_path: '/var/lib/postgresql/data' })],
    });
    const published = synthOnDocker((scope, platform) => {
      new Postgres(scope, 'postgres', { platform, image: IMAGE, hostPort: 15432, bindAddress: '127.0.0.2', memoryMiB: 300 });
    });
    expect(published).toHaveResourceWithProperties(Container, { ports: [{ internal: 5432, external: 15432, ip: '127.0.0.2' }], memory: 300 });
  });

  it('initialises the tables and roles once, with the extra SQL last', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Postgres(scope, 'postgres', { platform, image: IMAGE, extraInitSql: 'SELECT 1;' });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      upload: [{ file: INIT_SCRIPT, content: initScript({ extraSql: 'SELECT 1;', ownsDatabase: true }), executable: true }],
    });
  });
});

describe('initScript', () => {
  const script = initScript({ ownsDatabase: true });

  it('creates the tables and a writer that can change only them', () => {
    expect(script).toContain(postgresTablesDdl());
    expect(script).toContain(`ALTER ROLE "${WRITER_USER}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'writer_password';`);
    expect(script).toContain(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON "leaderboard"."top_teams", "leaderboard"."top_players", "leaderboard"."hot_streaks", "leaderboard"."team_mvps", "leaderboard"."suspected_bots" TO ${WRITER_USER};`,
    );
    expect(script).toContain('REVOKE CREATE ON SCHEMA public FROM PUBLIC;');
  });

  it('leaves the database\'s other users alone on a server the stack does not own', () => {
    const shared = initScript({ ownsDatabase: false });
    expect(shared).not.toContain('REVOKE');
    expect(shared).toContain(postgresTablesDdl());
    expect(shared).toContain(`EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), '${WRITER_USER}');`);
  });

  it('creates a read-only reader', () => {
    expect(script).toContain(`ALTER ROLE "${READER_USER}" SET default_transaction_read_only = on;`);
    expect(script).toContain(`PASSWORD :'reader_password';`);
  });

  it('takes the passwords from the environment as psql variables, never in the text, and stops at the first error', () => {
    expect(script.split('\n').slice(0, 5)).toEqual([
      '#!/bin/sh',
      'set -eu',
      'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \\',
      '  -v writer_password="$LEADERBOARD_WRITER_PASSWORD" -v reader_password="$LEADERBOARD_READER_PASSWORD" <<\'SQL\'',
      'CREATE SCHEMA IF NOT EXISTS leaderboard;',
    ]);
    expect(script.endsWith('\nSQL\n')).toBe(true);
  });
});
