/**
 * Benchmark: how many events per second the leaderboards sustain together on this machine, one job
 * per board (`per-metric`) against one statement set (one source scan), in the same run.
 *
 *   npx ts-node --transpile-only bench/flink-sql-layouts.ts [--events N] [--layouts per-metric,statement-set]
 *
 * Starts real Kafka, PostgreSQL and a Flink session cluster on loopback, preloads N valid events (plus
 * the event set's malformed records) into `user-score`, then per layout: empties the sink tables,
 * submits the jobs (JDBC variant, reading from the earliest offset), and times from submission until
 * the tables stop changing (unchanged for 20 s, polled every 500 ms); the result must equal the oracle.
 * Prints one JSON line per layout and a Markdown table.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareLeaderboards } from '../oracle/src/compare';
import { expectedLeaderboards, generateEventSet } from '../test-support/event-set';
import { flinkArtifacts, runRunner, startFlinkCluster, SUBMITTER_MAIN } from '../test-support/flink';
import { startKafka } from '../test-support/kafka';
import { readPostgresBoards } from '../test-support/leaderboard-readers';
import { startPostgres } from '../test-support/postgres';
import { JDBC_PASSWORD_ENV, JOB_LAYOUTS, JobLayout, METRICS, POSTGRES_DATABASE, POSTGRES_SCHEMA, postgresTablesDdl } from '../common/contract';
import { renderJobs } from '../flink-sql/src/render';

const QUIET_MS = 20_000;
const POLL_MS = 500;
const TIMEOUT_MS = 20 * 60_000;

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'flink-bench', msg, ...fields })}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv: string[]): { events: number; layouts: JobLayout[] } {
  let events = 100_000;
  let layouts: JobLayout[] = [...JOB_LAYOUTS];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--events' && /^\d+$/.test(value ?? '') && Number(value) >= 1000) events = Number(value);
    else if (flag === '--layouts' && value !== undefined && value.split(',').every((l) => (JOB_LAYOUTS as string[]).includes(l))) layouts = value.split(',') as JobLayout[];
    else throw new Error(`bad argument '${flag} ${value ?? ''}'; allowed: --events <N >= 1000>, --layouts <comma list of ${JOB_LAYOUTS.join(', ')}>`);
  }
  return { events, layouts };
}

async function main(): Promise<void> {
  const { events, layouts } = parseArgs(process.argv.slice(2));
  const set = generateEventSet({ validEvents: events });
  const expected = expectedLeaderboards(set);
  flinkArtifacts();
  const kafka = await startKafka();
  const pg = await startPostgres({ database: POSTGRES_DATABASE });
  const flink = await startFlinkCluster({ env: { [JDBC_PASSWORD_ENV]: pg.password } });
  const results: Record<string, unknown>[] = [];
  try {
    await pg.query(postgresTablesDdl());
    await kafka.createTopic('user-score', 3);
    const client = new Kafka({ brokers: [kafka.bootstrapServers], clientId: 'flink-bench', logLevel: logLevel.NOTHING });
    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    for (let i = 0; i < set.records.length; i += 2000) {
      await producer.send({ topic: 'user-score', messages: set.records.slice(i, i + 2000).map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
    }
    await producer.disconnect();
    log('preloaded', { records: set.records.length, valid: set.valid.length });

    const dir = mkdtempSync(path.join(os.tmpdir(), 'leaderboard-bench-'));
    for (const layout of layouts) {
      for (const m of METRICS) await pg.query(`TRUNCATE ${POSTGRES_SCHEMA}.${m.table}`);
      const jobs = renderJobs({ sink: { variant: 'jdbc', jdbcUrl: pg.jdbcUrl, jdbcUsername: pg.user }, layout, kafkaBootstrapServers: kafka.bootstrapServers, inputTopic: 'user-score', startupMode: 'earliest' });
      const jobArgs = jobs.flatMap((job) => {
        const file = path.join(dir, `${job.name}.sql`);
        writeFileSync(file, job.sql);
        return ['--job', `${job.name}=${file}`];
      });
      const submittedAt = Date.now();
      const r = runRunner(['--rest-url', flink.restUrl, '--jar', flinkArtifacts().runnerJar, ...jobArgs], { main: SUBMITTER_MAIN });
      if (r.status !== 0) throw new Error(`submitter failed: ${r.stderr}`);
      let last = '';
      let lastChange = submittedAt;
      for (;;) {
        const now = JSON.stringify(await readPostgresBoards(pg.url));
        if (now !== last) {
          last = now;
          lastChange = Date.now();
        }
        if (Date.now() - lastChange >= QUIET_MS) break;
        if (Date.now() - submittedAt > TIMEOUT_MS) throw new Error(`${layout}: sinks still changing after ${TIMEOUT_MS} ms`);
        await sleep(POLL_MS);
      }
      const seconds = (lastChange - submittedAt) / 1000;
      const difference = compareLeaderboards(expected, await readPostgresBoards(pg.url));
      const result = { layout, jobs: jobs.length, records: set.records.length, validEvents: set.valid.length, secondsToQuiet: seconds, eventsPerSecond: Math.round(set.records.length / seconds), matchesOracle: difference === undefined, difference };
      results.push(result);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      await flink.cancelAllJobs();
    }
  } finally {
    await flink.stop();
    await pg.stop();
    await kafka.stop();
  }
  process.stdout.write('\n| layout | jobs | records | seconds to quiet (incl. job start) | records/s | matches oracle |\n|---|---|---|---|---|---|\n');
  for (const r of results) process.stdout.write(`| ${r.layout} | ${r.jobs} | ${r.records} | ${r.secondsToQuiet} | ${r.eventsPerSecond} | ${r.matchesOracle} |\n`);
}

main().catch((error: Error) => {
  log('failed', { error: error.message });
  process.exit(1);
});
