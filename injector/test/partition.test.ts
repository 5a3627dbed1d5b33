import { Partitioners } from 'kafkajs';
import { partitionOf } from '../src/murmur2';
import { Prng } from '../src/prng';
import { robotIdOf, userIdOf } from '../src/teams';

describe('partitioning', () => {
  it('matches the partition the Kafka default partitioner chooses (KafkaJS, Java-compatible murmur2)', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const prng = new Prng(3);
    for (const partitions of [1, 3, 7, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
      const mismatches: string[] = [];
      for (let i = 0; i < 5000; i++) {
        const teamId = String(prng.nextUint32()).padStart(10, '0');
        const key = i % 7 === 0 ? robotIdOf(prng.nextInt(100), teamId) : userIdOf(1 + prng.nextInt(15), teamId);
        const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
        if (partitionOf(key, partitions) !== expected) mismatches.push(key);
      }
      // Keys of other lengths exercise the 1-3 byte tails of murmur2.
      for (const key of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'ümlaut-κλειδί']) {
        if (partitionOf(key, partitions) !== partitioner({ topic: 't', partitionMetadata, message: { key, value: null } })) mismatches.push(key);
      }
      expect(mismatches).toEqual([]);
    }
  });
});
