/**
 * Drop-in replacement, in the injector's bundle only, for KafkaJS 2.2.4's
 * kafkajs/src/producer/groupMessagesPerPartition: the original copies the partition's array for
 * every message (quadratic in the batch length); this appends. Same result, same order.
 */
export interface GroupInput<M> {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly M[];
  readonly partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

export function groupMessagesPerPartition<M>({ topic, partitionMetadata, messages, partitioner }: GroupInput<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}
