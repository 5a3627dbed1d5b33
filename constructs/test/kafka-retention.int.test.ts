/**
 * The input topic's bound on a real broker: a topic configured as the Kafka construct configures it
 * (retentionConfig over a partition budget, the construct's retention check interval) on a small
 * budget, then written many times over its size. The partition never holds much more than its
 * retention plus the segment being written and one check interval's arrivals, and the broker keeps
 * taking and serving events throughout.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RETENTION_CHECK_INTERVAL_MS } from '../kafka';
import { FILE_DELETE_DELAY_MS, retentionConfig } from '../kafka-topics';
import { KafkaBroker, kafkaCheck, partitionDiskBytes, startKafka } from '../../test-support/kafka';
import { produce, readTopic } from '../../test-support/leaderboard-readers';
import { describeWith } from '../../test-support/prerequisites';

const MIB = 1024 * 1024;
const TOPIC = 'bounded-user-score';
/** What one partition may use on disk here: a small volume's share. */
const BUDGET = 16 * MIB;
const RETENTION = 4 * MIB;
/** Each round writes this much, well past the bound overall. */
const ROUND_BYTES = 24 * MIB;
const ROUNDS = 2;

const partitionBytes = (broker: KafkaBroker): number => partitionDiskBytes(broker, TOPIC, 0);
const segments = (broker: KafkaBroker): string[] => readdirSync(join(broker.dataDir, `${TOPIC}-0`)).filter((f) => f.endsWith('.log'));

describeWith([kafkaCheck])('the input topic\'s retention on a real broker', () => {
  let broker: KafkaBroker;
  const config = retentionConfig({ hours: 168, bytesPerPartition: RETENTION }, BUDGET);

  beforeAll(async () => {
    broker = await startKafka({ config: { 'log.retention.check.interval.ms': String(RETENTION_CHECK_INTERVAL_MS) } });
    await broker.createTopic(TOPIC, 1, config);
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
  }, 60_000);

  it('configures retention.bytes and segments that fit the budget together', () => {
    expect(Number(config['retention.bytes']) + Number(config['segment.bytes'])).toBeLessThanOrEqual(BUDGET);
  });

  it(`holds at most its bound however much is written (${(ROUNDS * ROUND_BYTES) / MIB} MiB), the broker taking and serving events throughout`, async () => {
    const value = JSON.stringify({ user_id: 'USR-01-1', team_id: '1', team_name: 'Fill', score: 1, event_time_millis: 0, readable_time: '', event_type: 'normal', pad: 'x'.repeat(900) });
    const perRound = Math.ceil(ROUND_BYTES / value.length);
    const sizes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // In requests of about 0.5 MB, under the broker's largest batch.
      for (let sent = 0; sent < perRound; sent += 500) {
        await produce({ bootstrapServers: broker.bootstrapServers }, TOPIC, Array.from({ length: Math.min(500, perRound - sent) }, (_, i) => ({ key: String(sent + i), value })));
      }
      // One retention check and the delay of the deletion after the round: what is left is what the bound keeps.
      await new Promise((r) => setTimeout(r, RETENTION_CHECK_INTERVAL_MS + FILE_DELETE_DELAY_MS + 2_000));
      sizes.push(partitionBytes(broker));
      process.stderr.write(`  [retention] round ${round + 1}: ${segments(broker).length} segments\n`);
    }
    process.stderr.write(`  [retention] partition bytes after each ${ROUND_BYTES / MIB} MiB round: ${sizes.join(', ')}\n`);
    // retention.bytes and the segment being written, within the budget, after each of the rounds that
    // wrote 1.5 times the budget each.
    for (const size of sizes) expect(size).toBeLessThanOrEqual(RETENTION + Number(config['segment.bytes']) + MIB);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(BUDGET);
    // Still serving: the newest events read back.
    const records = await readTopic({ bootstrapServers: broker.bootstrapServers }, TOPIC);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(ROUNDS * perRound);
  }, 10 * 60_000);
});
