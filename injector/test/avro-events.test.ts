import { Type } from 'avsc';
import { userScoreAvroSchema, valueSubject } from '../../common/contract/event-schema';
import { avroEventEncoder } from '../src/avro-events';
import { GameEvent, eventJson } from '../src/events';

describe('the Avro event schema (user-score.avsc)', () => {
  const schema = JSON.parse(userScoreAvroSchema()) as { fields: { name: string; type: string }[] };
  const event: GameEvent = { userId: 'USR-1', teamId: '1', teamName: 'Amber-Koala', score: 17, eventTimeMillis: 1795719600123, eventType: 'normal' };
  const json = JSON.parse(eventJson(event)) as Record<string, unknown>;

  it('has the JSON value\'s fields in its order, with the types the validity rule asks for (INT score, BIGINT time)', () => {
    expect(schema.fields.map((f) => f.name)).toEqual(Object.keys(json));
    const expected: Record<string, string> = { score: 'int', event_time_millis: 'long' };
    for (const field of schema.fields) expect([field.name, field.type]).toEqual([field.name, expected[field.name] ?? 'string']);
  });

  it('encodes a JSON event and decodes it to the same object', () => {
    const type = Type.forSchema(schema as Parameters<typeof Type.forSchema>[0]);
    expect(type.fromBuffer(type.toBuffer(json))).toEqual(json);
  });

  it("writes Confluent's wire format: magic byte 0, the schema id big endian, then the body", () => {
    const value = avroEventEncoder(userScoreAvroSchema(), 258)(event);
    expect([...value.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    const type = Type.forSchema(schema as Parameters<typeof Type.forSchema>[0]);
    expect(type.fromBuffer(value.subarray(5))).toEqual(json);
  });

  it("is registered under Confluent's value subject of the topic", () => {
    expect(valueSubject('user-score')).toBe('user-score-value');
  });
});
