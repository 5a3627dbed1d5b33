import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PgServer, postgresCheck, startPostgres } from '../postgres';
import { describeWith } from '../prerequisites';

async function connectAs(server: PgServer, password: string | undefined): Promise<void> {
  const client = new Client({ host: server.host, port: server.port, user: server.user, password, database: server.database });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

describeWith([postgresCheck])('startPostgres: a real PostgreSQL server', () => {
  let server: PgServer;

  beforeAll(async () => {
    server = await startPostgres({ database: 'leaderboard' });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('listens on loopback with a generated password and a database of its own', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.password.length).toBeGreaterThanOrEqual(24);
    expect(server.url).toBe(`postgresql://postgres:${server.password}@127.0.0.1:${server.port}/leaderboard`);
    expect(server.jdbcUrl).toBe(`jdbc:postgresql://127.0.0.1:${server.port}/leaderboard`);
    const [settings] = await server.query<{ db: string; listen: string; encryption: string }>(
      "SELECT current_database() AS db, current_setting('listen_addresses') AS listen, current_setting('password_encryption') AS encryption",
    );
    expect(settings).toEqual({ db: 'leaderboard', listen: '127.0.0.1', encryption: 'scram-sha-256' });
  });

  it('runs statements with parameters', async () => {
    await server.query('CREATE SCHEMA leaderboard');
    await server.query('CREATE TABLE leaderboard.top_teams (rnk BIGINT PRIMARY KEY, team_name TEXT, total_score BIGINT)');
    await server.query('INSERT INTO leaderboard.top_teams VALUES ($1, $2, $3), ($4, $5, $6)', [1, 'Amber-Koala', 90, 2, 'Blue-Otter', 70]);
    const rows = await server.query('SELECT rnk, team_name, total_score FROM leaderboard.top_teams ORDER BY rnk');
    // BIGINT arrives as a string from node-postgres.
    expect(rows).toEqual([
      { rnk: '1', team_name: 'Amber-Koala', total_score: '90' },
      { rnk: '2', team_name: 'Blue-Otter', total_score: '70' },
    ]);
  });

  it('refuses a wrong password and trusts no connection', async () => {
    await expect(connectAs(server, `${server.password}x`)).rejects.toThrow(/password authentication failed/);
    await expect(connectAs(server, server.password)).resolves.toBeUndefined();
    const methods = await server.query<{ auth_method: string }>('SELECT DISTINCT auth_method FROM pg_hba_file_rules');
    expect(methods).toEqual([{ auth_method: 'scram-sha-256' }]);
  });

  it('keeps committed data across a restart on the same port', async () => {
    await server.query('CREATE TABLE durable (v TEXT)');
    await server.query("INSERT INTO durable VALUES ('before-restart')");
    await server.restart();
    expect(await server.query('SELECT v FROM durable')).toEqual([{ v: 'before-restart' }]);
  }, 120_000);
});

describeWith([postgresCheck])('startPostgres: independence and stop', () => {
  it('gives each server its own password and removes everything on stop', async () => {
    const first = await startPostgres();
    const second = await startPostgres();
    try {
      expect(first.password).not.toBe(second.password);
      expect(first.port).not.toBe(second.port);
      await expect(connectAs(second, first.password)).rejects.toThrow(/password authentication failed/);
    } finally {
      await second.stop();
    }
    expect(existsSync(path.dirname(second.logFile))).toBe(false);
    await expect(connectAs(second, second.password)).rejects.toThrow(/ECONNREFUSED/);
    await expect(second.restart()).rejects.toThrow(/after stop/);
    await first.stop();
  }, 180_000);
});
