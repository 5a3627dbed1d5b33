/**
 * The runner jar's `leaderboard-files` catalog (the SQL client's), with Flink 1.20's real planner: a
 * table created in one JVM is there in the next (computed column and watermark included), a dropped one
 * is gone, a `${NAME}` placeholder in an option is kept as written and filled in from the environment
 * only when a query reads the table, and what the catalog cannot keep is refused with a message.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flinkCheck, runRunner } from '../../test-support/flink';
import { describeWith } from '../../test-support/prerequisites';
import { tempDir } from '../../test-support/temp-dirs';

const dir = tempDir('file-catalog-test');
const catalogDir = path.join(dir, 'catalog');
let scripts = 0;

/**
 * Validates a script (DDL executed, INSERTs planned to a job graph) after opening the catalog kept in
 * `catalogDir`, in a JVM of its own.
 */
const validate = (statements: string[], env: NodeJS.ProcessEnv = process.env, inDir = catalogDir) => {
  const file = path.join(dir, `script-${++scripts}.sql`);
  const opening = [`CREATE CATALOG files WITH ('type' = 'leaderboard-files', 'path' = '${inDir}');`, 'USE CATALOG files;'];
  writeFileSync(file, [...opening, ...statements].join('\n'));
  const r = runRunner(['--validate', '--script', file], { env });
  return { status: r.status, errors: r.stderr.split('\n').filter((l) => l.includes('"level":"error"')).join('\n') };
};

const TABLE_FILE = 'events.table.properties';

describeWith([flinkCheck])('the leaderboard-files catalog', () => {
  it('keeps a table across JVMs, computed column and watermark included, and forgets a dropped one', () => {
    const created = validate([
      "CREATE TABLE events (ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'datagen');",
      "CREATE TABLE scratch (x INT) WITH ('connector' = 'datagen');",
      'DROP TABLE scratch;',
    ]);
    expect(created).toEqual({ status: 0, errors: '' });
    expect(readdirSync(catalogDir).sort()).toEqual([TABLE_FILE]);
    const read = validate([
      "CREATE TEMPORARY TABLE sink (ms BIGINT, w TIMESTAMP_LTZ(3)) WITH ('connector' = 'blackhole');",
      "INSERT INTO sink SELECT ms, TUMBLE_END(ts, INTERVAL '1' MINUTE) FROM events GROUP BY ms, TUMBLE(ts, INTERVAL '1' MINUTE);",
    ]);
    expect(read).toEqual({ status: 0, errors: '' });
    const missing = validate(["CREATE TEMPORARY TABLE sink (x INT) WITH ('connector' = 'blackhole');", 'INSERT INTO sink SELECT x FROM scratch;']);
    expect(missing.status).toBe(1);
    expect(missing.errors).toContain('Object \'scratch\' not found');
  }, 600_000);

  it('fills in a placeholder in an option when a query reads the table, and keeps it unfilled on disk', () => {
    const file = path.join(catalogDir, TABLE_FILE);
    // The runner fills placeholders in its scripts itself, so the placeholder is put into the kept table directly.
    writeFileSync(file, readFileSync(file, 'utf8').replace('connector=datagen', 'connector=${LB_TEST_CONNECTOR}'));
    const query = ["CREATE TEMPORARY TABLE sink (ms BIGINT) WITH ('connector' = 'blackhole');", 'INSERT INTO sink SELECT ms FROM events;'];
    expect(validate(query, { ...process.env, LB_TEST_CONNECTOR: 'datagen' })).toEqual({ status: 0, errors: '' });
    const unset = validate(query, { ...process.env, LB_TEST_CONNECTOR: undefined });
    expect(unset.status).toBe(1);
    expect(unset.errors).toContain('environment variable LB_TEST_CONNECTOR is not set');
    expect(readFileSync(file, 'utf8')).toContain('connector=${LB_TEST_CONNECTOR}');
  }, 600_000);

  it('refuses a second database and a kept view, naming what it keeps', () => {
    const empty = path.join(dir, 'empty-catalog');
    const database = validate(['CREATE DATABASE other;'], process.env, empty);
    expect(database.status).toBe(1);
    expect(database.errors).toContain('catalog files keeps one database, default_database');
    const view = validate(['CREATE VIEW v AS SELECT 1 AS x;'], process.env, empty);
    expect(view.status).toBe(1);
    expect(view.errors).toContain('keeps tables only; create a view or a function as TEMPORARY');
  }, 600_000);
});
