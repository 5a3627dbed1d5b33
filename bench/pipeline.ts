/**
 * Benchmark of the deployed pipeline (a script, not a test): deploys a Docker stack as a user does
 * (OpenTofu, stand-in images where the official ones cannot be pulled; injector off, Kafka and
 * PostgreSQL published on loopback) and measures, per sink variant:
 *  - drain throughput: N seeded events (with the event set's malformed records) written while the
 *    TaskManager is stopped; from the restored jobs' sources running to the boards equal to the
 *    oracle. Start-up is not in the figure, the whole pipeline down to the sinks is;
 *  - the physical reference beside it: a job with the same source and a discarding sink, run alone
 *    over the same topic (reading and parsing only) up to the offsets it finds at start, timed by
 *    its source vertex's start and end;
 *  - freshness: under a background load of R events/s, P probe events each making a new Top Players
 *    #1; from the produce call's acknowledgement to the first dashboard push (SSE) frame showing it;
 *  - sustained rate: the injector (real clock, its default game) at each rate of a rising list for
 *    S seconds; the highest rate at which the jobs' consumer lag stays bounded.
 * Prints one JSON line per variant and Markdown tables. With `--format avro` the stack takes Avro
 * through its schema registry (`events.format: avro`): the backlog and the probes are written as Avro
 * (the malformed records as bad Avro), the reference reads Avro; the sustained rate is not measured
 * (the host's injector cannot reach the stack's unpublished registry).
 *
 *   npm run bench:pipeline -- [--events 300000] [--rate 1000] [--probes 40] [--sustain 10000,20000,30000,40000]
 *                             [--sustain-seconds 120] [--variants jdbc,kafka] [--parallelism 1] [--format json|avro]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { DEFAULT_CONFIG } from '../stacks/config';
import { EVENT_FORMATS, EventEncoding, EventFormat, INPUT_PARTITIONS, Leaderboards, SINK_VARIANTS, SinkVariant } from '../common/contract';
import { compareLeaderboards } from '../oracle/src/compare';
import { SseReader } from '../dashboard/test/helpers';
import { renderReadOnlyJob } from '../flink-sql/src/render';
import { cdktf } from '../test-support/cdktf-cli';
import { findSourceMetrics, SourceMetrics, sumSourceMetrics } from '../common/flink-metrics';
import { getJson, postgresAdminPassword, standinImagesConfig, waitFor } from '../test-support/deploy-checks';
import { expectedLeaderboards, generateEventSet, teamIdOf } from '../test-support/event-set';
import { flinkArtifacts, runRunner, SUBMITTER_MAIN } from '../test-support/flink';
import { readKafkaBoards, readPostgresBoards } from '../test-support/leaderboard-readers';
import { avroRecords } from '../test-support/avro-events';
import { InputCodec, JSON_INPUT, avroBoards, avroInput, dockerExec, registryInContainer } from '../test-support/input-codecs';
import { KeyedRecord } from '../test-support/kafka';

const ports = { dashboard: 38080, flinkUi: 38081, kafka: 39092, postgres: 35432 };
/** The broker as the jobs inside the stack's network reach it. */
const INTERNAL_KAFKA = 'kafka:9092';
/** The stack's schema registry, as the jobs reach it. */
const INTERNAL_REGISTRY = 'http://schema-registry:8085';
const POLL_MS = 250;

const progress = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'pipeline-bench', msg, ...fields })}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', timeout: 180_000 }).trim();

interface Options {
  readonly events: number;
  readonly rate: number;
  readonly probes: number;
  readonly variants: SinkVariant[];
  readonly parallelism: number;
  readonly sustainRates: number[];
  readonly sustainSeconds: number;
  readonly format: EventFormat;
}

function parseArgs(argv: string[]): Options {
  const options = { events: 300_000, rate: 1_000, probes: 40, variants: [...SINK_VARIANTS] as SinkVariant[], parallelism: 1, sustainRates: [10_000, 20_000, 30_000, 40_000], sustainSeconds: 120, format: 'json' as EventFormat };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value = ''] = [argv[i], argv[i + 1]];
    const count = /^\d+$/.test(value) ? Number(value) : NaN;
    if (flag === '--events' && count >= 1_000) options.events = count;
    else if (flag === '--rate' && count >= 1) options.rate = count;
    else if (flag === '--probes' && count >= 5) options.probes = count;
    else if (flag === '--parallelism' && count >= 1 && count <= 4) options.parallelism = count;
    else if (flag === '--sustain' && /^\d+(,\d+)*$/.test(value)) options.sustainRates = value.split(',').map(Number).sort((a, b) => a - b);
    else if (flag === '--sustain-seconds' && count >= 30) options.sustainSeconds = count;
    else if (flag === '--variants' && value.split(',').every((v) => (SINK_VARIANTS as string[]).includes(v))) options.variants = value.split(',') as SinkVariant[];
    else if (flag === '--format' && (EVENT_FORMATS as string[]).includes(value)) options.format = value as EventFormat;
    else throw new Error(`bad argument '${flag} ${value}'; allowed: --events <N >= 1000>, --rate <events/s>, --probes <N >= 5>, --sustain <events/s,...>, --sustain-seconds <S >= 30>, --variants <${SINK_VARIANTS.join(',')}>, --parallelism <1 to 4>, --format <${EVENT_FORMATS.join('|')}>`);
  }
  return options;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Job { jid: string; name: string; state: string }

const flinkUrl = `http://127.0.0.1:${ports.flinkUi}`;
const jobs = async (): Promise<Job[]> => (await getJson<{ jobs: Job[] }>(`${flinkUrl}/jobs/overview`)).jobs;

/**
 * When the restored jobs' sources started reading: the latest source vertex start among the running
 * jobs, once every one of them runs (Flink's vertex timestamps are exact, its metrics in the REST API
 * are up to 10 s old).
 */
async function sourcesStarted(): Promise<number | undefined> {
  const running = (await jobs()).filter((j) => j.state === 'RUNNING');
  if (running.length === 0) return undefined;
  let latest = 0;
  for (const job of running) {
    const detail = await getJson<{ vertices: { name: string; status: string; 'start-time': number }[] }>(`${flinkUrl}/jobs/${job.jid}`);
    const source = detail.vertices.find((v) => v.name.startsWith('Source'));
    if (source === undefined || source.status !== 'RUNNING') return undefined;
    latest = Math.max(latest, source['start-time']);
  }
  return latest;
}

/**
 * Where the time goes: the share of the drain each operator chain spent busy and back-pressured
 * (Flink's accumulated times since the restored tasks started, per subtask). A chain busy for nearly
 * all of it while those before it are back-pressured is the bottleneck. Read once the REST API's
 * metrics (refreshed every 10 s) cover the whole drain.
 */
async function drainLoad(drainMillis: number): Promise<VertexLoad[]> {
  await sleep(11_000);
  const load: VertexLoad[] = [];
  for (const job of (await jobs()).filter((j) => j.state === 'RUNNING')) {
    const detail = await getJson<{ vertices: { name: string; parallelism: number; metrics: Record<string, number> }[] }>(`${flinkUrl}/jobs/${job.jid}`);
    for (const vertex of detail.vertices) {
      const share = (metric: string): number => Math.round((100 * vertex.metrics[metric]) / (vertex.parallelism * drainMillis));
      // Flink's vertex names spell out the whole chain; its first operators are enough to know it.
      const name = vertex.name.length > 120 ? `${vertex.name.slice(0, 117)}...` : vertex.name;
      load.push({ vertex: name, busyPercent: share('accumulated-busy-time'), backPressuredPercent: share('accumulated-backpressured-time') });
    }
  }
  return load.sort((a, b) => b.busyPercent - a.busyPercent);
}

/** Polls until `probe` gives a value; the time of the poll that first saw it. */
async function firstTime<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, pollMs = POLL_MS): Promise<{ value: T; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { value, at: Date.now() };
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(pollMs);
  }
}

async function producer(): Promise<{ producer: Producer; close: () => Promise<void> }> {
  const kafka = new Kafka({ clientId: 'pipeline-bench', brokers: [`127.0.0.1:${ports.kafka}`], logLevel: logLevel.NOTHING });
  const p = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  return { producer: p, close: () => p.disconnect() };
}

interface Drain { events: number; seconds: number; eventsPerSecond: number; matchesOracle: boolean; load: VertexLoad[] }
/** How hard one operator chain worked during the drain, in percent of the drain's time per subtask. */
interface VertexLoad { vertex: string; busyPercent: number; backPressuredPercent: number }
/** The read-only reference's rate over the same topic. */
interface Reference { events: number; seconds: number; eventsPerSecond: number }

/** N events written while the TaskManager is down; timed from the restored jobs' sources running to the boards equal to the oracle. */
async function drain(stack: string, events: number, readBoards: () => Promise<Leaderboards>, avroSchemaId: number | undefined): Promise<{ drain: Drain; maxTime: number }> {
  const set = generateEventSet({ seed: 20261202, validEvents: events });
  const expected = expectedLeaderboards(set);
  const records: KeyedRecord[] = avroSchemaId === undefined ? set.records : avroRecords(set, avroSchemaId).records;
  docker('stop', `${stack}-taskmanager`);
  progress('TaskManager stopped; writing the backlog', { records: records.length });
  const { producer: p, close } = await producer();
  try {
    for (let i = 0; i < records.length; i += 5_000) {
      await p.send({ topic: DEFAULT_CONFIG.inputTopic, messages: records.slice(i, i + 5_000).map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
    }
  } finally {
    await close();
  }
  docker('start', `${stack}-taskmanager`);
  const started = await firstTime('the restored jobs to run', 5 * 60_000, sourcesStarted);
  progress('jobs reading the backlog');
  let last = '';
  const done = await firstTime('the boards to equal the oracle', 30 * 60_000, async () => {
    last = compareLeaderboards(expected, await readBoards()) ?? '';
    return last === '' ? true : undefined;
  }).catch((err: Error) => {
    throw new Error(`${err.message}; first difference: ${last}`);
  });
  const seconds = (done.at - started.value) / 1000;
  // A loop: spreading 300,000 values into Math.max overflows the call stack.
  const maxTime = set.valid.reduce((max, e) => Math.max(max, e.event_time_millis), -Infinity);
  const load = await drainLoad(done.at - started.value);
  return { drain: { events: set.valid.length, seconds, eventsPerSecond: Math.round(set.valid.length / seconds), matchesOracle: true, load }, maxTime };
}

/** Runs of the reference: one read of a few seconds is at the mercy of the machine's other work. */
const REFERENCE_RUNS = 3;

/**
 * The read-only reference job alone over the whole topic, REFERENCE_RUNS times: the median rate of
 * its bounded reads.
 */
async function reference(stack: string, events: number, format: EventFormat): Promise<Reference> {
  // The reference runs alone: the keeper (which would resubmit them) stopped first, then the leaderboard jobs cancelled.
  docker('stop', `${stack}-submitter`);
  try {
    for (const j of (await jobs()).filter((x) => x.state === 'RUNNING')) await fetch(`${flinkUrl}/jobs/${j.jid}?mode=cancel`, { method: 'PATCH' });
    const runs: Reference[] = [];
    for (let run = 1; run <= REFERENCE_RUNS; run++) runs.push(await referenceRun(stack, events, `read-only-reference-${run}`, format));
    runs.sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    return runs[Math.floor(runs.length / 2)];
  } finally {
    docker('start', `${stack}-submitter`);
  }
}

/** One bounded read of the topic by a fresh reference job, timed by its source vertex. */
async function referenceRun(stack: string, events: number, name: string, format: EventFormat): Promise<Reference> {
  const encoding: EventEncoding = format === 'avro' ? { format, schemaRegistryUrl: INTERNAL_REGISTRY } : { format };
  const job = renderReadOnlyJob({ kafkaBootstrapServers: INTERNAL_KAFKA, inputTopic: DEFAULT_CONFIG.inputTopic, startupMode: 'earliest', events: encoding }, name);
  const script = join(mkdtempSync(join(tmpdir(), 'pipeline-bench-')), `${job.name}.sql`);
  writeFileSync(script, job.sql);
  // The runner's main runs in the JobManager, which reads the script there.
  docker('cp', script, `${stack}-jobmanager:/tmp/${job.name}.sql`);
  const r = runRunner(['--rest-url', flinkUrl, '--jar', flinkArtifacts().runnerJar, '--timeout-seconds', '120', '--job', `${job.name}=/tmp/${job.name}.sql`], { main: SUBMITTER_MAIN });
  if (r.status !== 0) throw new Error(`submitting the reference job failed (exit ${r.status}):\n${r.stderr}`);
  const jid = (await firstTime('the reference job', 120_000, async () => (await jobs()).find((j) => j.name === job.name)?.jid)).value;
  // The bounded source finishes the job at the end of the topic; its vertex (source, parse and
  // blackhole chained into one) ran from the tasks' start to the last record, start-up not included.
  const finished = await firstTime('the reference job to read the whole topic and finish', 20 * 60_000, async () => {
    const detail = await getJson<{ state: string; vertices: { name: string; 'start-time': number; 'end-time': number }[] }>(`${flinkUrl}/jobs/${jid}`);
    return ['FINISHED', 'FAILED', 'CANCELED'].includes(detail.state) ? detail : undefined;
  });
  if (finished.value.state !== 'FINISHED') throw new Error(`the reference job ended ${finished.value.state}; see the Flink UI at ${flinkUrl}`);
  const source = finished.value.vertices.find((v) => v.name.startsWith('Source'));
  if (source === undefined) throw new Error('the reference job has no source vertex');
  const seconds = (source['end-time'] - source['start-time']) / 1000;
  return { events, seconds, eventsPerSecond: Math.round(events / seconds) };
}

interface Freshness { probes: number; backgroundRate: number; p50: number; p90: number; p99: number; max: number }

/** Probe events under a background load; from each acknowledged produce to the first SSE frame with the probe at #1. */
async function freshness(rate: number, probes: number, startTime: number, input: InputCodec): Promise<Freshness> {
  const stream = await SseReader.open(`http://127.0.0.1:${ports.dashboard}/api/stream`);
  const { producer: p, close } = await producer();
  const teams = Array.from({ length: 20 }, (_, i) => `Bench-${i}`);
  let eventTime = startTime;
  let stop = false;
  const background = (async () => {
    const perTick = Math.max(1, Math.round(rate / 10));
    let n = 0;
    while (!stop) {
      const tick = Date.now();
      eventTime += 100;
      const messages = Array.from({ length: perTick }, () => {
        const team = teams[n % teams.length];
        const user = `USR-${String(n % 97).padStart(2, '0')}-${teamIdOf(team)}`;
        n++;
        const value = { user_id: user, team_id: teamIdOf(team), team_name: team, score: 1 + (n % 50), event_time_millis: eventTime, event_type: 'normal' };
        return { key: user, value: input.encode(JSON.stringify(value)) };
      });
      await p.send({ topic: DEFAULT_CONFIG.inputTopic, messages });
      await sleep(Math.max(0, 100 - (Date.now() - tick)));
    }
  })();
  const latencies: number[] = [];
  try {
    await sleep(10_000);
    for (let i = 0; i < probes; i++) {
      const team = 'Bench-Probe';
      const user = `USR-98-${String(i).padStart(4, '0')}${teamIdOf(team).slice(4)}`;
      const value = { user_id: user, team_id: teamIdOf(team), team_name: team, score: 1_000_000_000 + i, event_time_millis: eventTime, event_type: 'normal' };
      const from = stream.events.length;
      await p.send({ topic: DEFAULT_CONFIG.inputTopic, messages: [{ key: user, value: input.encode(JSON.stringify(value)) }] });
      const sent = Date.now();
      const frame = await stream.next(
        (e) => e.event === 'board' && (e.data as { id: string; rows: { user_id?: string }[] }).id === 'top_players' && (e.data as { rows: { user_id?: string }[] }).rows[0]?.user_id === user,
        60_000,
        from,
      );
      latencies.push(frame.at - sent);
      await sleep(1_000 + Math.round(Math.random() * 500));
    }
  } finally {
    stop = true;
    await background;
    await close();
    stream.close();
  }
  return { probes, backgroundRate: rate, p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

/** A rate counts as sustained while every partition stays within this many seconds of its input behind. */
const LAG_BOUND_SECONDS = 5;
const LAG_POLL_MS = 5_000;

interface SustainStep {
  readonly rate: number;
  /** What the injector delivered (acknowledged) per second; below `rate` when the producer itself could not keep up. */
  readonly deliveredPerSecond: number;
  /** Arrivals the injector's real clock dropped because it fell more than a second behind. */
  readonly skipped: number;
  /** The largest lag of one input partition during the run, in records. */
  readonly lagMax: number;
  /** The same in the last third of the run, after the start-up transient. */
  readonly lagLastThird: number;
  readonly bounded: boolean;
}

/**
 * The consumer lag of the slowest running job: the most records one input partition had not been read
 * yet at any fetch of the source's Kafka consumer over the last half minute or so (`records-lag-max`),
 * the worst case. Flink's `pendingRecords` is the lag right after the latest fetch, which is 0 whenever
 * that fetch caught up, so it hides how far behind the reads fall between fetches.
 */
async function slowestJobLag(metricsByJob: Map<string, SourceMetrics[]>): Promise<number | undefined> {
  const get = <T>(path: string): Promise<T> => getJson<T>(`${flinkUrl}${path}`);
  let lag: number | undefined;
  for (const job of (await jobs()).filter((j) => j.state === 'RUNNING')) {
    let metrics = metricsByJob.get(job.jid) ?? [];
    if (metrics.length === 0) {
      metrics = await findSourceMetrics(get, job.jid, (id) => id.endsWith('KafkaConsumer.records-lag-max'));
      metricsByJob.set(job.jid, metrics);
    }
    const pending = await sumSourceMetrics(get, job.jid, metrics);
    if (pending !== undefined) lag = Math.max(lag ?? 0, pending);
  }
  return lag;
}

/** The injector at `rate` events/s for `seconds`, the jobs' lag sampled meanwhile. */
async function sustainStep(injector: string, rate: number, seconds: number): Promise<SustainStep> {
  const args = ['--bootstrap-servers', `127.0.0.1:${ports.kafka}`, '--topic', DEFAULT_CONFIG.inputTopic, '--avg-qps', String(rate), '--duration', String(seconds), '--progress-interval', '0'];
  const child = spawn(process.execPath, [injector, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.on('close', (code) => {
    exitCode = code;
    resolve();
  }));
  const metricsByJob = new Map<string, SourceMetrics[]>();
  const started = Date.now();
  const samples: { at: number; lag: number }[] = [];
  while (exitCode === undefined) {
    const lag = await slowestJobLag(metricsByJob).catch(() => undefined);
    if (lag !== undefined) samples.push({ at: Date.now() - started, lag });
    await Promise.race([sleep(LAG_POLL_MS), exited]);
  }
  const summary = stderr.split('\n').filter((l) => l.includes('"msg":"finished"')).map((l) => JSON.parse(l) as { eventsPerSecond: number; skipped: number })[0];
  if (exitCode !== 0 || summary === undefined) throw new Error(`the injector at ${rate} events/s failed (exit ${exitCode}):\n${stderr.slice(-2000)}`);
  const lastThird = samples.filter((s) => s.at >= (seconds * 1000 * 2) / 3).map((s) => s.lag);
  if (lastThird.length === 0) throw new Error(`no consumer lag read from Flink during the last third of the run at ${rate} events/s`);
  const lagLastThird = Math.max(...lastThird);
  return {
    rate,
    deliveredPerSecond: summary.eventsPerSecond,
    skipped: summary.skipped,
    lagMax: Math.max(...samples.map((s) => s.lag)),
    lagLastThird,
    bounded: lagLastThird <= (rate * LAG_BOUND_SECONDS) / INPUT_PARTITIONS,
  };
}

/** Rising rates until one is not sustained; the jobs catch up between steps. */
async function sustain(injector: string, rates: number[], seconds: number): Promise<{ steps: SustainStep[]; highestBoundedRate: number | undefined }> {
  const steps: SustainStep[] = [];
  for (const rate of rates) {
    progress('sustain', { rate, seconds });
    const step = await sustainStep(injector, rate, seconds);
    progress('sustained', step as unknown as Record<string, unknown>);
    steps.push(step);
    if (!step.bounded) break;
    // A sustained step ends at most a few seconds of input behind.
    await sleep(15_000);
  }
  const bounded = steps.filter((s) => s.bounded).map((s) => s.rate);
  return { steps, highestBoundedRate: bounded.length > 0 ? Math.max(...bounded) : undefined };
}

async function benchVariant(variant: SinkVariant, options: Options, injector: string): Promise<Record<string, unknown>> {
  const stack = `docker-${variant}`;
  const existing = docker('ps', '-a', '-q', '--filter', `label=leaderboard.stack=${stack}`);
  if (existing !== '') throw new Error(`containers of ${stack} exist already; destroy that stack first (npm run destroy ${stack})`);
  const work = mkdtempSync(join(tmpdir(), `pipeline-bench-${variant}-`));
  const configFile = join(work, `${stack}.json`);
  writeFileSync(configFile, JSON.stringify({
    events: { format: options.format },
    injector: { enabled: false },
    dashboard: { port: ports.dashboard },
    flink: { uiPort: ports.flinkUi, parallelism: options.parallelism },
    expose: { kafkaPort: ports.kafka, ...(variant === 'jdbc' ? { postgresPort: ports.postgres } : {}) },
    images: standinImagesConfig(),
  }));
  const cli = (...args: string[]) => cdktf([...args, stack, '--output', join(work, `${stack}.out`)], { LEADERBOARD_CONFIG: configFile, LEADERBOARD_STATE_DIR: work }, 30 * 60_000);
  progress('deploying', { stack });
  await cli('deploy', '--auto-approve');
  try {
    await waitFor('the jobs to run', 5 * 60_000, async () => ((await jobs()).some((j) => j.state === 'RUNNING') ? true : undefined));
    const registry = options.format === 'avro' ? registryInContainer(dockerExec(`${stack}-schema-registry`)) : undefined;
    const readBoards = variant === 'jdbc'
      ? () => readPostgresBoards(`postgres://leaderboard_admin:${postgresAdminPassword(`${stack}-postgres`)}@127.0.0.1:${ports.postgres}/leaderboard`)
      : () => readKafkaBoards({ bootstrapServers: `127.0.0.1:${ports.kafka}` }, registry && avroBoards(registry));
    const avro = registry && (await avroInput(registry, DEFAULT_CONFIG.inputTopic));
    const input = avro ?? JSON_INPUT;
    const schemaId = avro?.schemaId;
    progress('drain', { events: options.events, format: options.format });
    const { drain: pipeline, maxTime } = await drain(stack, options.events, readBoards, schemaId);
    progress('drained', pipeline as unknown as Record<string, unknown>);
    const readOnly = await reference(stack, pipeline.events, options.format);
    progress('reference', readOnly as unknown as Record<string, unknown>);
    await waitFor('the leaderboard jobs to run again', 5 * 60_000, async () => ((await jobs()).some((j) => j.state === 'RUNNING' && j.name !== 'read-only-reference') ? true : undefined));
    progress('freshness', { rate: options.rate, probes: options.probes });
    const fresh = await freshness(options.rate, options.probes, maxTime + 60_000, input);
    const sustained = options.format === 'json' ? await sustain(injector, options.sustainRates, options.sustainSeconds) : { steps: [], highestBoundedRate: undefined };
    return { variant, format: options.format, parallelism: options.parallelism, partitions: INPUT_PARTITIONS, drain: pipeline, readOnlyReference: readOnly, ratioToReference: Number((pipeline.eventsPerSecond / readOnly.eventsPerSecond).toFixed(2)), freshnessMs: fresh, sustained };
  } finally {
    progress('destroying', { stack });
    await cli('destroy', '--auto-approve');
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  progress('preparing the image contexts (npm run build:images)');
  execFileSync('npm', ['run', '--silent', 'build:images'], { cwd: join(__dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'] });
  // The bundle the injector's image ships, as `npm run injector` builds it.
  const injector = join(mkdtempSync(join(tmpdir(), 'pipeline-bench-injector-')), 'injector.js');
  execFileSync('sh', [join(__dirname, '..', 'injector', 'bundle.sh'), injector], { stdio: 'inherit' });
  const results: Record<string, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const variant of options.variants) {
    const result = await benchVariant(variant, options, injector);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    results.push(result);
  }
  const rows = results.map((r) =>
    `| ${r.variant} | ${r.format} | ${r.parallelism} | ${r.drain.events} | ${r.drain.eventsPerSecond} | ${r.readOnlyReference.eventsPerSecond} | ${r.ratioToReference} | ${r.freshnessMs.backgroundRate} | ${r.freshnessMs.p50} | ${r.freshnessMs.p90} | ${r.freshnessMs.p99} | ${r.freshnessMs.max} |`);
  process.stdout.write(['', '| sink | format | parallelism | events | drain events/s | read-only events/s | ratio | background events/s | fresh p50 ms | p90 | p99 | max |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |', ...rows, ''].join('\n'));
  const load = results.flatMap((r) => (r.drain.load as VertexLoad[]).slice(0, 5).map((l) => `| ${r.variant} | ${l.busyPercent} | ${l.backPressuredPercent} | ${l.vertex.replace(/\|/g, '\\|')} |`));
  process.stdout.write(['', 'Busiest operator chains during the drain (share of its time, per subtask):', '', '| sink | busy % | back-pressured % | chain |', '| --- | --- | --- | --- |', ...load, ''].join('\n'));
  const sustained = results.flatMap((r) => (r.sustained.steps as SustainStep[]).map((s) =>
    `| ${r.variant} | ${s.rate} | ${s.deliveredPerSecond} | ${s.skipped} | ${s.lagMax} | ${s.lagLastThird} | ${s.bounded ? 'yes' : 'no'} |`));
  process.stdout.write(['', `Sustained rate (the injector for ${options.sustainSeconds} s per rate; lag: the largest of one partition's; bounded: at most ${LAG_BOUND_SECONDS} s of that partition's input in the last third):`, '',
    '| sink | injector events/s | delivered events/s | skipped arrivals | max lag | lag in last third | bounded |', '| --- | --- | --- | --- | --- | --- | --- |', ...sustained, ''].join('\n'));
}

main().catch((err: Error) => {
  progress('failed', { error: err.message });
  process.exitCode = 1;
});
