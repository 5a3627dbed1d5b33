import { JDBC_PASSWORD_ENV, LEADERBOARD_SIZE, METRICS, STATEMENT_SET_JOB_NAME, jobNameOf, kafkaSinkTopics } from '../../common/contract';
import { KAFKA_PASSWORD_ENV } from '../../common/kafka-client';
import { renderJobs, renderSqlClientInit, RenderOptions, SQL_CLIENT_GROUP_ID } from '../src/render';

const kafka: RenderOptions = { sink: { variant: 'kafka' }, kafkaBootstrapServers: 'kafka:9092', inputTopic: 'user-score', startupMode: 'earliest', layout: 'per-metric' };
const jdbcSink = { variant: 'jdbc', jdbcUrl: 'jdbc:postgresql://postgres:5432/leaderboard', jdbcUsername: 'leaderboard_writer' } as const;
const jdbc: RenderOptions = { ...kafka, sink: jdbcSink };

describe('renderJobs', () => {
  it('renders one job per metric, named for pipeline.name, each with one INSERT', () => {
    const jobs = renderJobs(kafka);
    expect(jobs.map((j) => j.name)).toEqual(['leaderboard-top-teams', 'leaderboard-top-players', 'leaderboard-hot-streaks', 'leaderboard-team-mvps', 'leaderboard-suspected-bots']);
    for (const job of jobs) {
      expect(job.metrics).toHaveLength(1);
      expect(job.name).toBe(jobNameOf(job.metrics[0]));
      expect(job.sql).toContain(`SET 'pipeline.name' = '${job.name}';`);
      expect(job.sql.match(/^INSERT INTO/gm)).toHaveLength(1);
      expect(job.sql).toContain(`INSERT INTO ${job.metrics[0]}\n`);
      expect(job.sql).toContain(`WHERE rnk <= ${LEADERBOARD_SIZE};`);
      expect(job.sql).not.toMatch(/\{\{/);
    }
  });

  it('sets checkpointing and mini-batch, and no state TTL (it would forget keys without retracting their rows)', () => {
    for (const job of [...renderJobs(kafka), ...renderJobs(jdbc)]) expect(job.sql).not.toContain('state.ttl');
    for (const job of renderJobs(jdbc)) {
      expect(job.sql).toContain(`SET 'execution.checkpointing.interval' = '10 s';`);
      expect(job.sql).toContain(`SET 'table.exec.mini-batch.enabled' = 'true';`);
    }
  });

  it('renders the Kafka variant as upsert-kafka with JSON key {rnk} and every column in the value', () => {
    const sql = renderJobs(kafka).find((j) => j.metrics[0] === 'team_mvps')!.sql;
    expect(sql).toContain(
      "CREATE TEMPORARY TABLE team_mvps (\n  rnk BIGINT,\n  user_id STRING,\n  team_name STRING,\n  player_total BIGINT,\n  team_total BIGINT,\n  contrib_ratio DOUBLE,\n  PRIMARY KEY (rnk) NOT ENFORCED\n)",
    );
    expect(sql).toContain("'connector' = 'upsert-kafka'");
    expect(sql).toContain("'topic' = 'team-mvps'");
    expect(sql).toContain("'key.format' = 'json'");
    expect(sql).toContain("'value.fields-include' = 'ALL'");
    expect(sql).not.toContain("'connector' = 'jdbc'");
  });

  it('renders the JDBC variant into schema leaderboard with the password as an environment placeholder', () => {
    for (const job of renderJobs(jdbc)) {
      const table = METRICS.find((m) => m.id === job.metrics[0])!.table;
      expect(job.sql).toContain("'connector' = 'jdbc'");
      expect(job.sql).toContain(`'table-name' = 'leaderboard.${table}'`);
      expect(job.sql).toContain("'username' = 'leaderboard_writer'");
      expect(job.sql).toContain(`'password' = '\${${JDBC_PASSWORD_ENV}}'`);
    }
  });

  it('gives the source and the upsert-kafka sinks a SASL Kafka\'s settings, the password as an environment placeholder', () => {
    const security = { securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'jobs' } } as const;
    for (const job of renderJobs({ ...kafka, kafkaSecurity: security })) {
      const jaas = `'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="jobs" password="\${${KAFKA_PASSWORD_ENV}}";'`;
      // The source table and the board's sink table.
      expect(job.sql.split(jaas)).toHaveLength(3);
      expect(job.sql.match(/'properties\.security\.protocol' = 'SASL_SSL'/g)).toHaveLength(2);
      expect(job.sql.match(/'properties\.sasl\.mechanism' = 'SCRAM-SHA-512'/g)).toHaveLength(2);
    }
    const tls = renderJobs({ ...jdbc, kafkaSecurity: { securityProtocol: 'SSL' } })[0].sql;
    expect(tls).toContain(`'format' = 'leaderboard-user-score',\n  'properties.security.protocol' = 'SSL'\n);`);
    expect(renderJobs(kafka)[0].sql).not.toContain('security.protocol');
    expect(() => renderJobs({ ...kafka, kafkaSecurity: { securityProtocol: 'SASL_PLAINTEXT' } })).toThrow(/kafkaSecurity: .*needs a SASL user name/);
  });

  it('reads the input topic from the chosen startup offset', () => {
    expect(renderJobs(kafka)[0].sql).toContain("'scan.startup.mode' = 'earliest-offset'");
    expect(renderJobs({ ...kafka, startupMode: 'latest', inputTopic: 'scores.v2' })[0].sql).toMatch(/'topic' = 'scores\.v2'[\s\S]*'scan.startup.mode' = 'latest-offset'/);
  });

  it('reads Avro input through the schema registry with the runner jar\'s lenient format, JSON by default', () => {
    const avro = renderJobs({ ...kafka, events: { format: 'avro', schemaRegistryUrl: 'http://schema-registry:8085' } });
    for (const job of avro) {
      expect(job.sql).toMatch(
        /'format' = 'leaderboard-user-score',\n  'leaderboard-user-score\.encoding' = 'avro-confluent',\n  'leaderboard-user-score\.avro-confluent\.url' = 'http:\/\/schema-registry:8085'/,
      );
    }
    expect(renderJobs({ ...kafka, events: { format: 'json' } })).toEqual(renderJobs(kafka));
    expect(renderJobs(kafka)[0].sql).not.toContain('avro');
  });

  it('writes the Kafka boards as Avro keys and values under their own subjects when the input is Avro', () => {
    const events = { format: 'avro', schemaRegistryUrl: 'http://schema-registry:8085' } as const;
    const sql = renderJobs({ ...kafka, events, layout: 'statement-set' })[0].sql;
    for (const metric of METRICS) {
      const table = new RegExp(`CREATE TEMPORARY TABLE ${metric.id} \\([^;]*;`).exec(sql)![0];
      for (const part of ['key', 'value']) {
        expect(table).toContain(`'${part}.format' = 'avro-confluent'`);
        expect(table).toContain(`'${part}.avro-confluent.url' = 'http://schema-registry:8085'`);
        expect(table).toContain(`'${part}.avro-confluent.subject' = '${metric.topic}-${part}'`);
      }
      expect(table).not.toContain("'json'");
    }
    // The JDBC boards are unchanged downstream.
    const jdbcSql = renderJobs({ ...jdbc, events, layout: 'statement-set' })[0].sql;
    const sinksAndInserts = (script: string): string => {
      const start = script.indexOf('CREATE TEMPORARY TABLE top_teams');
      expect(start).toBeGreaterThan(0);
      return script.slice(start);
    };
    expect(sinksAndInserts(jdbcSql)).toBe(sinksAndInserts(renderJobs({ ...jdbc, layout: 'statement-set' })[0].sql));
  });

  it('renders the statement-set layout as one job with an INSERT per metric in EXECUTE STATEMENT SET', () => {
    const jobs = renderJobs({ ...jdbc, layout: 'statement-set' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0].name).toBe(STATEMENT_SET_JOB_NAME);
    expect(jobs[0].metrics).toEqual(METRICS.map((m) => m.id));
    expect(jobs[0].sql).toMatch(/EXECUTE STATEMENT SET\nBEGIN\n[\s\S]*END;\n$/);
    expect(jobs[0].sql.match(/^INSERT INTO/gm)).toHaveLength(METRICS.length);
    expect(jobs[0].sql.match(/CREATE TEMPORARY TABLE user_score/g)).toHaveLength(1);
  });

  it('ranks in Hot Streaks only players active within the configured minutes of the game clock', () => {
    const hotStreaks = (options: RenderOptions) => renderJobs(options).find((j) => j.metrics.includes('hot_streaks'))!.sql;
    expect(hotStreaks(kafka)).toContain('player.latest >= (game_clock.clock_minute - 5) * 60000');
    expect(hotStreaks({ ...jdbc, hotStreakActiveMinutes: 30 })).toContain('player.latest >= (game_clock.clock_minute - 30) * 60000');
  });

  it('writes every board with one sink writer, so one rank\'s updates stay in order at any parallelism', () => {
    for (const job of [...renderJobs(kafka), ...renderJobs(jdbc)]) {
      expect(job.sql.match(/'sink\.parallelism' = '1'/g)).toHaveLength(job.metrics.length);
    }
  });

  it('escapes quotes in values it places in SQL literals', () => {
    expect(renderJobs({ ...jdbc, sink: { ...jdbcSink, jdbcUsername: "o'brien" } })[0].sql).toContain("'username' = 'o''brien'");
  });

  it.each([
    [{ ...kafka, sink: { variant: 'mysql' } }, "sink must be one of 'kafka', 'jdbc'; got 'mysql'"],
    [{ ...kafka, layout: 'one' }, "layout must be one of 'per-metric', 'statement-set'; got 'one'"],
    [{ ...kafka, startupMode: 'now' }, "startupMode must be one of 'earliest', 'latest'; got 'now'"],
    [{ ...kafka, kafkaBootstrapServers: 'kafka' }, 'kafkaBootstrapServers must be host:port'],
    [{ ...kafka, inputTopic: 'user score' }, 'inputTopic must be a Kafka topic name'],
    [{ ...jdbc, sink: { ...jdbcSink, jdbcUrl: '' } }, "jdbcUrl is required for sink 'jdbc'"],
    [{ ...jdbc, sink: { ...jdbcSink, jdbcUrl: 'jdbc:mysql://x/y' } }, "must start with 'jdbc:postgresql://'"],
    [{ ...jdbc, sink: { ...jdbcSink, jdbcUsername: '' } }, "jdbcUsername is required for sink 'jdbc'"],
    [{ ...kafka, hotStreakActiveMinutes: 0 }, 'hotStreakActiveMinutes must be a whole number of minutes from 1 to 1440; got 0'],
    [{ ...kafka, hotStreakActiveMinutes: 2.5 }, 'hotStreakActiveMinutes must be a whole number of minutes from 1 to 1440; got 2.5'],
    [{ ...kafka, events: { format: 'protobuf' } }, "events.format must be one of 'json', 'avro'; got 'protobuf'"],
    [{ ...kafka, events: { format: 'avro', schemaRegistryUrl: "http://x'y" } }, 'events.schemaRegistryUrl must be an http:// or https:// URL'],
  ])('rejects bad options naming the field (%#)', (options, message) => {
    expect(() => renderJobs(options as unknown as RenderOptions)).toThrow(message);
  });
});

describe('renderSqlClientInit', () => {
  const tables = (sql: string): string[] => [...sql.matchAll(/^CREATE TABLE (\w+)/gm)].map((m) => m[1]);
  const client = { kafkaBootstrapServers: 'kafka:9092', inputTopic: 'user-score', catalogPath: '/opt/flink/catalog' };

  it('defines the input and every board as the jobs do, in the file catalog, reading the input from its start under its own group, without checkpoints', () => {
    const sql = renderSqlClientInit({ sink: { variant: 'kafka' }, ...client });
    expect(tables(sql)).toEqual(['user_score', ...METRICS.map((m) => m.id)]);
    expect(sql).toContain("CREATE CATALOG leaderboard WITH ('type' = 'leaderboard-files', 'path' = '/opt/flink/catalog');\n\nUSE CATALOG leaderboard;");
    // Redefined in each session, so the catalog follows the stack's configuration.
    expect(sql.match(/^DROP TABLE IF EXISTS \w+;$/gm)).toHaveLength(1 + METRICS.length);
    expect(sql).not.toContain('CREATE TEMPORARY TABLE');
    expect(sql).toContain(`'properties.group.id' = '${SQL_CLIENT_GROUP_ID}'`);
    expect(sql).toContain("'scan.startup.mode' = 'earliest-offset'");
    // Every Kafka table (the input and the upsert-kafka boards) reads up to the offsets of the query's start.
    expect(sql.match(/'scan.bounded.mode' = 'latest-offset'/g)).toHaveLength(1 + METRICS.length);
    expect(sql).toContain("'format' = 'leaderboard-user-score'");
    expect(sql).toContain("SET 'sql-client.execution.result-mode' = 'tableau';");
    expect(sql).not.toContain('checkpointing');
    expect(sql).not.toMatch(/INSERT INTO/);
  });

  it('reads the JDBC boards as the role it is given, its password an environment placeholder', () => {
    const sql = renderSqlClientInit({ sink: { ...jdbcSink, jdbcUsername: 'leaderboard_reader' }, ...client });
    expect(sql.match(/'username' = 'leaderboard_reader'/g)).toHaveLength(METRICS.length);
    expect(sql.match(/'password' = '\$\{LEADERBOARD_JDBC_PASSWORD\}'/g)).toHaveLength(METRICS.length);
    expect(sql.match(/'scan.bounded.mode'/g)).toHaveLength(1);
  });

  it('rejects bad options as the jobs\' renderer does', () => {
    expect(() => renderSqlClientInit({ sink: { variant: 'kafka' }, ...client, kafkaBootstrapServers: 'kafka' })).toThrow('kafkaBootstrapServers must be host:port');
  });
});

describe('kafkaSinkTopics', () => {
  it('lists one compacted topic per metric', () => {
    const topics = kafkaSinkTopics();
    expect(topics.map((t) => t.name)).toEqual(METRICS.map((m) => m.topic));
    for (const t of topics) expect(t.config['cleanup.policy']).toBe('compact');
  });
});
