/**
 * The injector against a real single-node KRaft broker: every event exactly once, and no
 * acknowledged event lost when the broker restarts mid-run or the injector is stopped by a signal.
 */
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBroker, kafkaCheck, startKafka } from '../../test-support/kafka';
import { describeWith } from '../../test-support/prerequisites';
import { partitionOf } from '../src/murmur2';
import { CliResult, logLines, runCli, startCli } from './cli-harness';

interface Consumed {
  readonly partitions: number;
  /** Values per partition, in offset order. */
  readonly values: string[][];
  readonly keysMatch: boolean;
}

/** Reads the whole topic from the beginning up to its current end offsets. */
async function readTopic(bootstrapServers: string, topic: string): Promise<Consumed> {
  const kafka = new Kafka({ clientId: 'injector-test-reader', brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const values: string[][] = ends.map(() => []);
  const remaining = new Map(ends.map((o) => [o.partition, Number(o.high)]));
  let keysMatch = true;
  const consumer = kafka.consumer({ groupId: `injector-test-${topic}-${Date.now()}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const total = [...remaining.values()].reduce((a, b) => a + b, 0);
  let read = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${read} of ${total} records of ${topic} in 120 s`)), 120000);
    if (total === 0) {
      clearTimeout(timer);
      resolve();
      return;
    }
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const value = m.value?.toString() ?? '';
          values[batch.partition].push(value);
          if (m.key?.toString() !== (JSON.parse(value) as { user_id: string }).user_id) keysMatch = false;
          read++;
        }
        if (read >= total) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return { partitions: ends.length, values, keysMatch };
}

/** The events of a seeded run as printed, split the way Kafka partitions them. */
async function expectedPerPartition(args: string[], partitions: number): Promise<string[][]> {
  const printed = await runCli(['--output', 'print', '--log-level', 'warn', ...args]);
  expect(printed.code).toBe(0);
  const perPartition: string[][] = Array.from({ length: partitions }, () => []);
  for (const line of printed.stdout.trim().split('\n')) {
    perPartition[partitionOf((JSON.parse(line) as { user_id: string }).user_id, partitions)].push(line);
  }
  return perPartition;
}

/** Event content without its times: what a real-clock run shares with the same seed's print run. */
const content = (value: string): string => {
  const { event_time_millis: _t, readable_time: _r, ...rest } = JSON.parse(value) as Record<string, unknown>;
  return JSON.stringify(rest);
};

function finished(result: CliResult): Record<string, unknown> {
  const line = logLines(result.stderr).find((l) => l.msg === 'finished');
  if (line === undefined) throw new Error(`no "finished" line (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
  return line;
}

const waitFor = async (condition: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describeWith([kafkaCheck])('injector with a real Kafka broker', () => {
  let broker: KafkaBroker;

  // Generous: on the shared 2-core machine a JVM can take minutes to start under load.
  beforeAll(async () => {
    broker = await startKafka({ startTimeoutMs: 240000 });
  }, 300000);
  afterAll(async () => {
    await broker?.stop();
  }, 60000);

  it('creates the topic with 3 partitions and writes N events exactly once with --max-events N', async () => {
    const n = 100000;
    const args = ['--clock', 'synthetic', '--seed', '21', '--max-events', String(n), '--late-event-rate', '100'];
    const result = await runCli(['--bootstrap-servers', broker.bootstrapServers, '--topic', 'exactly-once', ...args], { timeoutMs: 180000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(finished(result)).toMatchObject({ reason: 'max-events', generated: n, delivered: n, pending: 0 });

    const consumed = await readTopic(broker.bootstrapServers, 'exactly-once');
    expect(consumed.partitions).toBe(3);
    expect(consumed.keysMatch).toBe(true);
    const expected = await expectedPerPartition(args, 3);
    expect(consumed.values.map((p) => p.length)).toEqual(expected.map((p) => p.length));
    expect(consumed.values).toEqual(expected);
  }, 400000);

  it('loses no acknowledged event, and duplicates none, when the broker restarts mid-run', async () => {
    const n = 40000;
    const args = ['--seed', '33', '--max-events', String(n), '--avg-qps', '2000'];
    const cli = await startCli(['--bootstrap-servers', broker.bootstrapServers, '--topic', 'restart', '--progress-interval', '1', ...args], {
      timeoutMs: 300000,
    });
    const delivered = (): number => {
      const lines = cli.stderrSoFar().split('\n').filter((l) => l.includes('"msg":"progress"'));
      return lines.length === 0 ? 0 : Number((JSON.parse(lines[lines.length - 1]) as { delivered: number }).delivered);
    };
    await waitFor(() => delivered() > 4000, 120000, 'the injector to deliver 4000 events');
    await broker.restart();
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(finished(result)).toMatchObject({ reason: 'max-events', generated: n, delivered: n, pending: 0 });
    // The outage was noticed and survived, not missed.
    expect(logLines(result.stderr).some((l) => l.level === 'warn')).toBe(true);

    const consumed = await readTopic(broker.bootstrapServers, 'restart');
    const expected = await expectedPerPartition(['--clock', 'synthetic', ...args], 3);
    expect(consumed.values.map((p) => p.length)).toEqual(expected.map((p) => p.length));
    expect(consumed.values.map((p) => p.map(content))).toEqual(expected.map((p) => p.map(content)));
  }, 400000);

  it('on SIGTERM stops, flushes, exits 0, and the topic holds exactly the events it reported delivered', async () => {
    const args = ['--seed', '44', '--avg-qps', '3000'];
    const cli = await startCli(['--bootstrap-servers', broker.bootstrapServers, '--topic', 'sigterm', ...args], { timeoutMs: 120000 });
    await new Promise((r) => setTimeout(r, 8000));
    cli.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(0);
    const summary = finished(result);
    expect(summary).toMatchObject({ reason: 'SIGTERM', pending: 0 });
    const delivered = Number(summary.delivered);
    expect(delivered).toBeGreaterThan(1000);
    expect(summary.generated).toBe(delivered);

    const consumed = await readTopic(broker.bootstrapServers, 'sigterm');
    expect(consumed.values.flat()).toHaveLength(delivered);
    const expected = await expectedPerPartition(['--clock', 'synthetic', '--max-events', String(delivered), ...args], 3);
    expect(consumed.values.map((p) => p.map(content))).toEqual(expected.map((p) => p.map(content)));
  }, 300000);

  it('keeps retrying, without crashing, while no broker answers, and stops cleanly on SIGINT', async () => {
    const cli = await startCli(['--bootstrap-servers', '127.0.0.1:1', '--topic', 'nowhere'], { timeoutMs: 60000 });
    await new Promise((r) => setTimeout(r, 6000));
    cli.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(0);
    const lines = logLines(result.stderr);
    expect(lines.filter((l) => l.msg === 'kafka unavailable; retrying' && String(l.error).includes('ECONNREFUSED'))).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'stopped before the first event')).toBe(true);
  }, 120000);
});
