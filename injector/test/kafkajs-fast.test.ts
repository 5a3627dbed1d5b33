/**
 * The bundle's replacements for two KafkaJS internals must produce exactly what the originals do.
 * (The Kafka integration tests then run the bundle against a real broker.)
 */
import { groupMessagesPerPartition } from '../src/kafkajs-fast/group-messages-per-partition';
import { encodeRecord, RecordInput } from '../src/kafkajs-fast/record-v0';
import { Prng } from '../src/prng';
import { KAFKAJS_REPLACEMENTS } from '../src/bundle';

type Original = (input: RecordInput) => { buffer: Buffer };
const originalRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as Original;
const originalGroup = require('kafkajs/src/producer/groupMessagesPerPartition') as typeof groupMessagesPerPartition;

describe('KafkaJS fast paths', () => {
  it('replace modules that exist in the installed KafkaJS', () => {
    for (const inPackage of Object.keys(KAFKAJS_REPLACEMENTS)) {
      expect(() => require.resolve(`kafkajs/${inPackage}`)).not.toThrow();
    }
  });

  it('encode records byte for byte as KafkaJS does', () => {
    const prng = new Prng(12);
    const text = (n: number): string => Array.from({ length: n }, () => String.fromCodePoint(prng.nextInt(5) === 0 ? 0x3b1 + prng.nextInt(20) : 0x61 + prng.nextInt(26))).join('');
    const inputs: RecordInput[] = [
      {},
      { key: null, value: null },
      { key: '', value: '' },
      { key: 'USR-07-0412953851', value: '{"score":1}', offsetDelta: 0, timestampDelta: 0 },
      { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(300, 7), offsetDelta: 63, timestampDelta: 64 },
      { key: 'k', value: 'x'.repeat(70000), offsetDelta: 2147483647, timestampDelta: 2 ** 40 },
      { key: 'k', value: 'v', offsetDelta: 8191, timestampDelta: -5 },
    ];
    for (let i = 0; i < 3000; i++) {
      inputs.push({
        key: prng.nextInt(10) === 0 ? null : text(prng.nextInt(40)),
        value: prng.nextInt(3) === 0 ? Buffer.from(text(prng.nextInt(500))) : text(prng.nextInt(500)),
        offsetDelta: prng.nextInt(2 ** prng.intBetween(1, 31)),
        timestampDelta: prng.nextInt(2 ** prng.intBetween(1, 45)),
      });
    }
    const different = inputs.filter((input) => !encodeRecord(input).buffer.equals(originalRecord(input).buffer));
    expect(different).toEqual([]);
  });

  it('refuse record headers rather than drop them', () => {
    expect(() => encodeRecord({ key: 'k', value: 'v', headers: { h: 'x' } })).toThrow(/headers/);
  });

  it('group messages per partition as KafkaJS does, in order', () => {
    const prng = new Prng(4);
    const messages = Array.from({ length: 5000 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: prng.nextInt(3) }));
    const args = {
      topic: 't',
      partitionMetadata: [0, 1, 2],
      messages,
      partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    };
    expect(groupMessagesPerPartition(args)).toEqual(originalGroup(args));
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual(originalGroup({ ...args, partitionMetadata: [] }));
  });
});
