/**
 * An event set's records as Avro in Confluent's wire format, for the suites that feed the jobs Avro:
 * each valid record becomes the same event encoded with the contract's schema (registered with a
 * registry first), each malformed one a record that is bad in an Avro way, so the boards expected
 * and the number of skipped records stay those of the JSON set.
 */
import { Type } from 'avsc';
import { userScoreAvroSchema, valueSubject } from '../common/contract/event-schema';
import { isInvalid } from '../oracle/src/game-event';
import { parseEvent } from '../oracle/src/parse-event';
import { EventSet } from './event-set';
import { KeyedRecord } from './kafka';

/** The ways a record is bad as Avro, one after another over the malformed records. */
export const BAD_AVRO_KINDS = ['json text (wrong magic byte)', 'unknown schema id', 'truncated body', 'empty user_id', 'shorter than the header'] as const;

/** Registers the contract's schema under the value subject of `topic` and returns its id. */
export async function registerEventSchema(registryUrl: string, topic: string): Promise<number> {
  const response = await fetch(`${registryUrl}/subjects/${valueSubject(topic)}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: userScoreAvroSchema() }),
  });
  const body = (await response.json()) as { id?: number; message?: string };
  if (!response.ok || body.id === undefined) throw new Error(`registering the event schema failed: HTTP ${response.status} ${body.message}`);
  return body.id;
}

const wire = (id: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
};

export function avroRecords(set: EventSet, schemaId: number): { records: KeyedRecord[]; bad: Record<string, number> } {
  const type = Type.forSchema(JSON.parse(userScoreAvroSchema()) as Parameters<typeof Type.forSchema>[0]);
  const bad: Record<string, number> = Object.fromEntries(BAD_AVRO_KINDS.map((k) => [k, 0]));
  let malformed = 0;
  const records = set.records.map((record): KeyedRecord => {
    const parsed = parseEvent(Buffer.from(record.value));
    if (!isInvalid(parsed)) {
      return { ...record, value: wire(schemaId, type.toBuffer({ ...parsed, readable_time: '', event_type: 'normal' })) };
    }
    const kind = BAD_AVRO_KINDS[malformed++ % BAD_AVRO_KINDS.length];
    bad[kind]++;
    const sample = { user_id: record.key, team_id: '1', team_name: 'Bad', score: 1, event_time_millis: 0, readable_time: '', event_type: 'normal' };
    const value = {
      'json text (wrong magic byte)': () => Buffer.from(record.value),
      'unknown schema id': () => wire(schemaId + 1000, type.toBuffer(sample)),
      'truncated body': () => wire(schemaId, type.toBuffer(sample).subarray(0, 3)),
      'empty user_id': () => wire(schemaId, type.toBuffer({ ...sample, user_id: '' })),
      'shorter than the header': () => Buffer.from([0, 0]),
    }[kind]();
    return { ...record, value };
  });
  return { records, bad };
}
