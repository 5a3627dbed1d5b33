/**
 * An event set's records as Avro in Confluent's wire format, for the suites that feed the jobs Avro:
 * each valid record becomes the same event encoded with the contract's schema (registered with a
 * registry first), each malformed one a record that is bad in an Avro way, so the boards expected
 * and the number of skipped records stay those of the JSON set.
 */
import { Type } from 'avsc';
import { userScoreAvroSchema } from '../common/contract/event-schema';
import { isInvalid } from '../oracle/src/game-event';
import { parseEvent } from '../oracle/src/parse-event';
import { EventSet } from './event-set';
import { KeyedRecord } from './kafka';

/** The ways a record is bad as Avro, one after another over the malformed records. */
export const BAD_AVRO_KINDS = ['json text (wrong magic byte)', 'unknown schema id', 'truncated body', 'empty user_id', 'shorter than the header'] as const;

const wire = (id: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
};

/** A record bad in the way `kind` names, for the player `key`, around a record of schema `schemaId`. */
export function badAvroRecord(kind: (typeof BAD_AVRO_KINDS)[number], key: string, schemaId: number): Buffer {
  const sample = { user_id: key, team_id: '1', team_name: 'Bad', score: 1, event_time_millis: 0, readable_time: '', event_type: 'normal' };
  const body = () => eventType().toBuffer(sample);
  switch (kind) {
    case 'json text (wrong magic byte)':
      return Buffer.from(JSON.stringify(sample));
    case 'unknown schema id':
      return wire(schemaId + 1000, body());
    case 'truncated body':
      return wire(schemaId, body().subarray(0, 3));
    case 'empty user_id':
      return wire(schemaId, eventType().toBuffer({ ...sample, user_id: '' }));
    case 'shorter than the header':
      return Buffer.from([0, 0]);
  }
}

const eventType = (): Type => Type.forSchema(JSON.parse(userScoreAvroSchema()) as Parameters<typeof Type.forSchema>[0]);

export function avroRecords(set: EventSet, schemaId: number): { records: KeyedRecord[]; bad: Record<string, number> } {
  const type = eventType();
  const bad: Record<string, number> = Object.fromEntries(BAD_AVRO_KINDS.map((k) => [k, 0]));
  let malformed = 0;
  const records = set.records.map((record): KeyedRecord => {
    const parsed = parseEvent(Buffer.from(record.value));
    if (!isInvalid(parsed)) {
      return { ...record, value: wire(schemaId, type.toBuffer({ ...parsed, readable_time: '', event_type: 'normal' })) };
    }
    const kind = BAD_AVRO_KINDS[malformed++ % BAD_AVRO_KINDS.length];
    bad[kind]++;
    return { ...record, value: badAvroRecord(kind, record.key, schemaId) };
  });
  return { records, bad };
}
