/**
 * The JDBC variant against a real PostgreSQL: the setup SQL the stack runs (read-only role, change
 * triggers), rows written the way the JDBC sink writes them appearing in /api/leaderboards and on the
 * push stream with one read per change, bad rows skipped, and a server restart survived.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { postgresTablesDdl } from '../../common/contract';
import { PgServer, postgresBinDir, postgresCheck, startPostgres } from '../../test-support/postgres';
import { describeWith } from '../../test-support/prerequisites';
import { RunningDashboard } from '../src/dashboard';
import { DASHBOARD_DB_ROLE, dashboardPostgresSetupSql } from '../src/postgres-setup';
import { SseReader, boardEvent, eventually, getJson, runDashboard } from './helpers';

const upsertTeam = `INSERT INTO leaderboard.top_teams (rnk, team_id, team_name, total_score) VALUES ($1, $2, $3, $4)
  ON CONFLICT (rnk) DO UPDATE SET team_id = EXCLUDED.team_id, team_name = EXCLUDED.team_name, total_score = EXCLUDED.total_score`;
const team = (rnk: number, name: string, score: number) => ({ rnk, team_id: `T-${name}`, team_name: name, total_score: score });

describeWith([postgresCheck])('dashboard, JDBC variant, real PostgreSQL', () => {
  let pg: PgServer;
  let writer: Client;
  let dashboard: RunningDashboard;
  let stream: SseReader;
  const readerPassword = randomBytes(18).toString('base64url');

  /** The server restarts under this connection on purpose; its error must not fail the suite. */
  const connectWriter = async () => {
    const client = new Client({ connectionString: pg.url });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const writeTeam = (rnk: number, name: string, score: number) => writer.query(upsertTeam, [rnk, `T-${name}`, name, score]);
  const rowsOf = (e: { data: unknown }) => (e.data as { rows: { team_name: string }[] }).rows;

  beforeAll(async () => {
    pg = await startPostgres({ database: 'leaderboard' });
    writer = await connectWriter();
    await writer.query(postgresTablesDdl());
    // Twice: the stack may run its init again on an existing database.
    await writer.query(dashboardPostgresSetupSql({ password: { value: readerPassword } }));
    await writer.query(dashboardPostgresSetupSql({ password: { value: readerPassword } }));
    await writeTeam(1, 'Amber-Koala', 30);
    await writeTeam(2, 'Blue-Fox', 20);
    await writer.query(`INSERT INTO leaderboard.top_players VALUES (1, 'USR-07-1', 'Amber-Koala', 12)`);
    dashboard = await runDashboard(['--source', 'jdbc', '--hold-back-ms', '3000'], {
      PGHOST: pg.host,
      PGPORT: String(pg.port),
      PGDATABASE: 'leaderboard',
      PGPASSWORD: readerPassword,
    });
    stream = await SseReader.open(`${dashboard.url}/api/stream`);
  }, 180_000);

  afterAll(async () => {
    stream?.close();
    await dashboard?.close();
    await writer?.end();
    await pg?.stop();
  }, 90_000);

  it('shows the tables in /api/leaderboards, read as the read-only role', async () => {
    const body = await eventually(async () => {
      const { body } = await getJson(`${dashboard.url}/api/leaderboards`);
      return body.source.up ? body : undefined;
    }, 30_000, 'the source to be up');
    expect(body.boards.top_teams.rows).toEqual([team(1, 'Amber-Koala', 30), team(2, 'Blue-Fox', 20)]);
    expect(body.boards.top_players.rows).toEqual([{ rnk: 1, user_id: 'USR-07-1', team_name: 'Amber-Koala', total_score: 12 }]);
    expect(body.boards.hot_streaks.rows).toEqual([]);
    expect(body.loaded).toBe(true);
    const sessions = await pg.query<{ usename: string }>(`SELECT usename FROM pg_stat_activity WHERE application_name = 'leaderboard-dashboard'`);
    expect(sessions).toEqual([{ usename: DASHBOARD_DB_ROLE }]);
    expect((await getJson(`${dashboard.url}/healthz`)).status).toBe(200);
  });

  it('gives the dashboard role no way to write', async () => {
    const reader = new Client({ host: pg.host, port: pg.port, database: 'leaderboard', user: DASHBOARD_DB_ROLE, password: readerPassword });
    await reader.connect();
    try {
      await expect(reader.query(`INSERT INTO leaderboard.top_teams VALUES (9, 'x', 'x', 1)`)).rejects.toThrow(/read-only transaction/);
      await reader.query('SET default_transaction_read_only = off');
      await expect(reader.query(`DELETE FROM leaderboard.top_teams`)).rejects.toThrow(/permission denied/);
      await expect(reader.query(`CREATE TABLE leaderboard.x (a int)`)).rejects.toThrow(/permission denied/);
    } finally {
      await reader.end();
    }
  });

  it('takes the role password from a psql variable, as an init script passing it from the environment does', async () => {
    const password = randomBytes(12).toString('hex');
    execFileSync(join(postgresBinDir()!, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `dashboard_password=${password}`, '-d', pg.url, '-f', '-'], {
      input: dashboardPostgresSetupSql({ role: 'dashboard_two', password: { psqlVariable: 'dashboard_password' } }),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const reader = new Client({ host: pg.host, port: pg.port, database: 'leaderboard', user: 'dashboard_two', password });
    await reader.connect();
    try {
      expect((await reader.query('SELECT count(*)::int AS n FROM leaderboard.top_teams')).rows[0].n).toBeGreaterThan(0);
    } finally {
      await reader.end();
    }
  });

  it('pushes a change with one read of the table, whatever the number of viewers', async () => {
    const extra = await Promise.all([1, 2, 3].map(() => SseReader.open(`${dashboard.url}/api/stream`)));
    const from = stream.events.length;
    const reads = dashboard.store.stats.sourceReads;
    await writeTeam(2, 'Blue-Fox', 25);
    const event = await stream.next((e) => boardEvent('top_teams')(e) && rowsOf(e)[1]?.team_name === 'Blue-Fox' && (e.data as { rows: { total_score: number }[] }).rows[1].total_score === 25, 20_000, from);
    await Promise.all(extra.map((s) => s.next((e) => boardEvent('top_teams')(e) && JSON.stringify(e.data) === JSON.stringify(event.data), 20_000)));
    extra.forEach((s) => s.close());
    await new Promise((r) => setTimeout(r, 300));
    expect(dashboard.store.stats.sourceReads - reads).toBe(1);
  });

  it('publishes a rank shift written as separate statements only once complete', async () => {
    const from = stream.events.length;
    await writeTeam(1, 'Blue-Fox', 40);
    await new Promise((r) => setTimeout(r, 200));
    await writeTeam(2, 'Amber-Koala', 30);
    const event = await stream.next((e) => boardEvent('top_teams')(e) && rowsOf(e)[0]?.team_name === 'Blue-Fox', 20_000, from);
    expect((event.data as { rows: unknown[] }).rows).toEqual([team(1, 'Blue-Fox', 40), team(2, 'Amber-Koala', 30)]);
    for (const e of stream.events.slice(from).filter(boardEvent('top_teams'))) expect((e.data as { consistent: boolean }).consistent).toBe(true);
  });

  it('skips a bad row and keeps serving the rest', async () => {
    const from = stream.events.length;
    await writer.query(`INSERT INTO leaderboard.hot_streaks VALUES (1, 'USR-1', 10, 5, 2), (2, 'USR-2', 'NaN', 5, 'NaN')`);
    const event = await stream.next(boardEvent('hot_streaks'), 20_000, from);
    expect((event.data as { rows: unknown[] }).rows).toEqual([{ rnk: 1, user_id: 'USR-1', short_term_avg: 10, long_term_avg: 5, peak_hotness: 2 }]);
    expect(dashboard.store.stats.badRows).toBeGreaterThanOrEqual(1);
  });

  it('carries a hostile name as data', async () => {
    const from = stream.events.length;
    await writer.query(`INSERT INTO leaderboard.team_mvps VALUES (1, 'USR-9', '<script>alert(1)</script>', 3, 4, 0.75)`);
    const event = await stream.next(boardEvent('team_mvps'), 20_000, from);
    expect(rowsOf(event)[0].team_name).toBe('<script>alert(1)</script>');
  });

  it('polls, and says so, where the change triggers are missing', async () => {
    await writer.query('DROP TRIGGER leaderboard_dashboard_notify ON leaderboard.top_players');
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const second = await runDashboard(['--source', 'jdbc', '--pg-poll-interval-ms', '300', '--log-level', 'warn'], {
      PGHOST: pg.host, PGPORT: String(pg.port), PGDATABASE: 'leaderboard', PGPASSWORD: readerPassword,
    });
    try {
      await eventually(async () => ((await getJson(`${second.url}/healthz`)).status === 200 ? true : undefined), 20_000, 'the second dashboard to be up');
      await writer.query(`UPDATE leaderboard.top_players SET total_score = 99 WHERE rnk = 1`);
      await eventually(async () => {
        const { body } = await getJson(`${second.url}/api/leaderboards`);
        return body.boards.top_players.rows[0]?.total_score === 99 ? true : undefined;
      }, 10_000, 'the polled change');
    } finally {
      spy.mockRestore();
      await second.close();
      await writer.query(dashboardPostgresSetupSql({ password: { value: readerPassword } }));
    }
    expect(lines.join('')).toContain('change triggers missing; polling instead');
  });

  it('shows the database going away and recovers by itself when it returns', async () => {
    const from = stream.events.length;
    const restarted = pg.restart();
    const down = await stream.next((e) => e.event === 'status' && (e.data as { up: boolean }).up === false, 30_000, from);
    expect((down.data as { detail: string }).detail).toContain('postgresql');
    await restarted;
    await stream.next((e) => e.event === 'status' && (e.data as { up: boolean }).up === true, 30_000, from);
    await writer.end().catch(() => undefined);
    writer = await connectWriter();
    await writeTeam(3, 'Cyan-Owl', 1);
    const event = await stream.next((e) => boardEvent('top_teams')(e) && rowsOf(e).length === 3, 20_000, from);
    expect(rowsOf(event)[2].team_name).toBe('Cyan-Owl');
    expect((await getJson(`${dashboard.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('answers 503 naming postgresql while the database is down', async () => {
    await pg.stop();
    const { status, body } = await eventually(async () => {
      const res = await getJson(`${dashboard.url}/healthz`);
      return res.status === 503 ? res : undefined;
    }, 20_000, 'healthz 503');
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', down: 'postgresql' });
  });
});
