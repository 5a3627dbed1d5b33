/**
 * The leaderboard jobs on a test session cluster (test-support/flink.ts): submitted through the
 * Docker submitter's main, as deployed stacks submit them, then followed until their boards equal the
 * oracle's and stay quiet.
 */
import { SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { JDBC_PASSWORD_ENV, Leaderboards, POSTGRES_DATABASE, kafkaSinkTopics, postgresTablesDdl } from '../common/contract';
import type { FlinkJob } from '../flink-sql/src/render';
import { compareLeaderboards } from '../oracle/src/compare';
import { FlinkCluster, flinkArtifacts, runRunner, startFlinkCluster, SUBMITTER_MAIN } from './flink';
import { KafkaBroker, startKafka } from './kafka';
import { PgServer, startPostgres } from './postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the jobs run against: a broker, PostgreSQL and a session cluster, all on loopback. */
export interface PipelineServices {
  readonly kafka: KafkaBroker;
  readonly pg: PgServer;
  readonly flink: FlinkCluster;
  stop(): Promise<void>;
}

export interface PipelineServicesOptions {
  /** The input topic's configuration (e.g. a retention). */
  readonly inputTopicConfig?: Record<string, string>;
  /** The broker's server properties beyond the test broker's own. */
  readonly brokerConfig?: Record<string, string>;
}

/**
 * Starts the services with the input topic, the board topics and tables, and a session cluster whose
 * JobManager has the JDBC writer's password, as the deployed stacks set them up.
 */
export async function startPipelineServices(inputTopic: string, partitions: number, options: PipelineServicesOptions = {}): Promise<PipelineServices> {
  flinkArtifacts();
  const started: { stop(): Promise<void> }[] = [];
  const stop = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    const kafka = await startKafka({ config: options.brokerConfig });
    started.push(kafka);
    const pg = await startPostgres({ database: POSTGRES_DATABASE });
    started.push(pg);
    await pg.query(postgresTablesDdl());
    const flink = await startFlinkCluster({ env: { [JDBC_PASSWORD_ENV]: pg.password } });
    started.push(flink);
    await kafka.createTopic(inputTopic, partitions, options.inputTopicConfig);
    for (const topic of kafkaSinkTopics()) await kafka.createTopic(topic.name, topic.partitions, { ...topic.config });
    return { kafka, pg, flink, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Writes the jobs' scripts to `dir` and runs the submitter once; a second call submits nothing new. */
export function submitJobs(flink: FlinkCluster, jobs: readonly FlinkJob[], dir: string): SpawnSyncReturns<string> {
  const jobArgs = jobs.flatMap((job) => {
    const file = path.join(dir, `${job.name}.sql`);
    writeFileSync(file, job.sql);
    return ['--job', `${job.name}=${file}`];
  });
  return runRunner(['--rest-url', flink.restUrl, '--jar', flinkArtifacts().runnerJar, '--timeout-seconds', '120', ...jobArgs], { main: SUBMITTER_MAIN });
}

interface JobOverview { jid: string; name: string; state: string }

/** Waits until every named job runs; fails at once when one has failed. The running jobs' ids. */
export async function waitForJobsRunning(flink: FlinkCluster, names: readonly string[], timeoutMs = 120_000): Promise<JobOverview[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { jobs } = await flink.rest<{ jobs: JobOverview[] }>('/jobs/overview');
    const latest = names.map((n) => jobs.find((j) => j.name === n && j.state !== 'CANCELED'));
    if (latest.some((j) => j?.state === 'FAILED')) throw new Error(`a job failed: ${JSON.stringify(jobs)}; logs in ${flink.logDir}`);
    if (latest.every((j) => j?.state === 'RUNNING')) return latest as JobOverview[];
    if (Date.now() > deadline) throw new Error(`jobs not RUNNING within ${timeoutMs / 1000} s: ${JSON.stringify(jobs)}`);
    await sleep(1000);
  }
}

export interface SettleOptions {
  /** Boards unchanged this long count as quiet (several checkpoints and sink flushes). */
  readonly quietMs: number;
  readonly timeoutMs: number;
  readonly log: (msg: string, fields: Record<string, unknown>) => void;
}

/**
 * Polls the boards until they equal `expected` and have been quiet for `quietMs`: undefined then, or
 * on timeout the first differing row of the last read.
 */
export async function settleBoards(expected: Leaderboards, read: () => Promise<Leaderboards>, options: SettleOptions): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  let since = Date.now();
  for (;;) {
    const boards = await read();
    const now = JSON.stringify(boards);
    if (now !== last) {
      last = now;
      since = Date.now();
    }
    const difference = compareLeaderboards(expected, boards);
    const quietFor = Date.now() - since;
    if (quietFor >= options.quietMs && difference === undefined) return undefined;
    if (Date.now() > deadline) return difference ?? 'boards matched but never stayed quiet';
    options.log('waiting for the sinks', { quietForMs: quietFor, firstDifference: difference?.split('\n')[0] ?? 'none' });
    await sleep(5000);
  }
}
