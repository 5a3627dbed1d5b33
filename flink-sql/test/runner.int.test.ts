/**
 * The SQL runner jar, run for real with Flink 1.20's planner and the connector jars: how it splits
 * scripts, and that its validate mode plans every rendered script and reports errors by statement and line.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { flinkArtifacts, flinkCheck, runRunner, SUBMITTER_MAIN } from '../../test-support/flink';
import { freePorts } from '../../test-support/kafka';
import { describeWith } from '../../test-support/prerequisites';
import { JOB_LAYOUTS, METRICS, SINK_VARIANTS } from '../../common/contract';
import { renderJobs, renderReadOnlyJob } from '../src/render';
import { tempDir } from '../../test-support/temp-dirs';

const dir = tempDir('runner-test');
let scriptCount = 0;
const scriptFile = (sql: string): string => {
  const file = path.join(dir, `script-${++scriptCount}.sql`);
  writeFileSync(file, sql);
  return file;
};

interface Printed {
  number: number;
  line: number;
  sql: string;
}

const split = (sql: string): Printed[] => {
  const r = runRunner(['--print-statements', '--script', scriptFile(sql)]);
  if (r.status !== 0) throw new Error(`runner exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Printed);
};

describeWith([flinkCheck])('SQL runner', () => {
  describe('statement splitter', () => {
    it('splits on top-level semicolons and records each statement line', () => {
      expect(split("SET 'a' = 'b';\n\nCREATE TABLE t (x INT) WITH ('connector' = 'datagen');\nINSERT INTO t\nSELECT 1")).toEqual([
        { number: 1, line: 1, sql: "SET 'a' = 'b'" },
        { number: 2, line: 3, sql: "CREATE TABLE t (x INT) WITH ('connector' = 'datagen')" },
        { number: 3, line: 4, sql: 'INSERT INTO t\nSELECT 1' },
      ]);
    });

    it('keeps semicolons inside string literals, quoted identifiers and comments', () => {
      const statements = split(
        [
          "SELECT 'a;b', 'it''s; fine' FROM `we;ird`;",
          '-- a comment; with a semicolon',
          'SELECT 1 /* block; comment',
          'over two lines */ + 2;',
          'SELECT "x;y"',
        ].join('\n'),
      );
      expect(statements.map((s) => s.sql)).toEqual([
        "SELECT 'a;b', 'it''s; fine' FROM `we;ird`",
        'SELECT 1 /* block; comment\nover two lines */ + 2',
        'SELECT "x;y"',
      ]);
      expect(statements.map((s) => s.line)).toEqual([1, 3, 5]);
    });

    it('drops comments before a statement and chunks of only comments and blanks', () => {
      expect(split('-- header\n/* more\n*/\n  SELECT 1; -- trailing\n;\n  ;')).toEqual([{ number: 1, line: 4, sql: 'SELECT 1' }]);
    });

    it('counts lines inside multi-line string literals', () => {
      expect(split("SELECT 'one\ntwo';\nSELECT 3").map((s) => s.line)).toEqual([1, 3]);
    });

    it('fails on an unterminated string, naming its line', () => {
      const r = runRunner(['--print-statements', '--script', scriptFile("SELECT 1;\nSELECT 'oops")]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("unterminated ' quote starting at line 2");
    });

    it('rejects unknown arguments naming the allowed ones', () => {
      const r = runRunner(['--scirpt', 'x.sql']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("unknown argument '--scirpt'; allowed: --script <file>, --validate, --print-statements");
    });
  });

  describe('validate mode', () => {
    const rendered = SINK_VARIANTS.flatMap((sink) =>
      JOB_LAYOUTS.flatMap((layout) =>
        renderJobs({
          sink: sink === 'kafka' ? { variant: sink } : { variant: sink, jdbcUrl: 'jdbc:postgresql://postgres:5432/leaderboard', jdbcUsername: 'leaderboard_writer' },
          layout,
          kafkaBootstrapServers: 'kafka:9092',
          inputTopic: 'user-score',
          startupMode: 'earliest',
        }).map((job) => ({ label: `${sink}/${layout}/${job.name}`, sql: job.sql })),
      ),
    );
    const reference = renderReadOnlyJob({ kafkaBootstrapServers: 'kafka:9092', inputTopic: 'user-score', startupMode: 'earliest' }, 'read-only-reference');
    rendered.push({ label: 'read-only reference', sql: reference.sql });
    // A Kafka that needs SASL over TLS with a trust store given inline: a multi-line PEM in the options.
    const [secured] = renderJobs({
      sink: { variant: 'kafka' },
      layout: 'statement-set',
      kafkaBootstrapServers: 'kafka:9093',
      kafkaSecurity: { securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'lb' }, caCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      inputTopic: 'user-score',
      startupMode: 'earliest',
    });
    rendered.push({ label: 'SASL_SSL', sql: secured.sql });

    it('plans every rendered script (each metric x 2 sinks, the statement sets, the read-only reference, SASL_SSL) with the real planner and connectors', () => {
      expect(rendered).toHaveLength(METRICS.length * 2 + 4);
      const files = rendered.map((r) => scriptFile(r.sql));
      // One JVM for all scripts: the planner's start-up dominates each run.
      const r = runRunner(['--validate', ...files.flatMap((f) => ['--script', f])], { env: { ...process.env, LEADERBOARD_JDBC_PASSWORD: '' } });
      if (r.status !== 0) throw new Error(`validate failed (exit ${r.status}):\n${r.stderr.split('\n').filter((l) => l.startsWith('{')).join('\n')}`);
      const valid = r.stderr.split('\n').filter((l) => l.includes('"msg":"valid"'));
      expect(valid).toHaveLength(rendered.length);
    }, 900_000);

    it('reports a planning error with the statement number and line', () => {
      const script = [
        "SET 'pipeline.name' = 'broken';",
        "CREATE TEMPORARY TABLE src (x INT) WITH ('connector' = 'datagen');",
        "CREATE TEMPORARY TABLE snk (x INT) WITH ('connector' = 'blackhole');",
        '',
        'INSERT INTO snk SELECT no_such_column FROM src;',
      ].join('\n');
      const r = runRunner(['--validate', '--script', scriptFile(script)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/statement 4 \(line 5\) failed: .*no_such_column/);
    }, 300_000);

    it('reports a connector option error of a sink (found by planning, not by parsing)', () => {
      const script = [
        "CREATE TEMPORARY TABLE src (x INT) WITH ('connector' = 'datagen');",
        "CREATE TEMPORARY TABLE snk (x INT, PRIMARY KEY (x) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'k:9092', 'key.format' = 'nope', 'value.format' = 'json');",
        'INSERT INTO snk SELECT x FROM src;',
      ].join('\n');
      const r = runRunner(['--validate', '--script', scriptFile(script)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/statement 3 \(line 3\) failed: .*nope/);
    }, 300_000);

    it('reports an error of the generated code (plans, but the operator does not compile), alone and in a statement set', () => {
      const ddl = [
        "CREATE TEMPORARY TABLE src (ts TIMESTAMP_LTZ(3)) WITH ('connector' = 'datagen');",
        "CREATE TEMPORARY TABLE snk (ts TIMESTAMP_LTZ(3)) WITH ('connector' = 'blackhole');",
      ];
      const insert = 'INSERT INTO snk SELECT FLOOR(ts TO MINUTE) FROM src;';
      const alone = runRunner(['--validate', '--script', scriptFile([...ddl, insert].join('\n'))]);
      expect(alone.status).toBe(1);
      expect(alone.stderr).toMatch(/statement 3 \(line 3\) failed: .*No applicable constructor\/method found/);
      const inSet = runRunner(['--validate', '--script', scriptFile([...ddl, 'EXECUTE STATEMENT SET', 'BEGIN', insert, 'END;'].join('\n'))]);
      expect(inSet.status).toBe(1);
      expect(inSet.stderr).toMatch(/statement set at statement 3 \(line 3\) failed: .*No applicable constructor\/method found/);
    }, 300_000);

    it('rejects a statement set containing something other than INSERT', () => {
      const r = runRunner(['--validate', '--script', scriptFile("BEGIN STATEMENT SET;\nSET 'a' = 'b';\nEND;")]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("statement 2 (line 2): only INSERT statements are allowed in a statement set, got 'SET 'A''");
    });

    it('fails in run mode when the JDBC password variable is unset, naming it', () => {
      const env = { ...process.env };
      delete env.LEADERBOARD_JDBC_PASSWORD;
      const r = runRunner(['--script', scriptFile("CREATE TABLE t (x INT) WITH ('password' = '${LEADERBOARD_JDBC_PASSWORD}')")], { env });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('environment variable LEADERBOARD_JDBC_PASSWORD is not set');
    });
  });

  describe('Docker submitter (its success path runs in pipeline.int.test.ts)', () => {
    it('gives up after its bound with a clear message when the JobManager never answers', async () => {
      const [port] = await freePorts(1);
      const started = Date.now();
      const r = runRunner(['--rest-url', `http://127.0.0.1:${port}`, '--jar', flinkArtifacts().runnerJar, '--job', 'a=/opt/flink/jobs/a.sql', '--timeout-seconds', '3'], { main: SUBMITTER_MAIN });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`timed out waiting for the JobManager REST API and a TaskManager at http://127.0.0.1:${port}`);
      expect(Date.now() - started).toBeLessThan(60_000);
    });

    it.each([
      [['--jar', 'x.jar', '--job', 'a=b'], '--rest-url is required'],
      [['--rest-url', 'jobmanager:8081'], "--rest-url must be an http(s) URL, got 'jobmanager:8081'"],
      [['--rest-url', 'http://jm:8081', '--jar', '/nonexistent.jar', '--job', 'a=b'], '--jar /nonexistent.jar is not a readable file'],
      [['--rest-url', 'http://jm:8081', '--job', 'a'], "--job must be <name>=<script path>, got 'a'"],
      [['--rest-url', 'http://jm:8081', '--jobs', 'a=b'], "unknown argument '--jobs'"],
    ])('rejects bad arguments naming the flag (%#)', (args, message) => {
      const r = runRunner(args, { main: SUBMITTER_MAIN });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(message);
    });
  });
});
