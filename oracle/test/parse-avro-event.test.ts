import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'avsc';
import { parseAvroEvent } from '../src/parse-avro-event';

const v1 = readFileSync(join(__dirname, '..', '..', 'common', 'contract', 'user-score.avsc'), 'utf8');
const fields = (JSON.parse(v1) as { fields: { name: string; type: unknown }[] }).fields;
const v2 = JSON.stringify({ ...JSON.parse(v1), fields: [...fields, { name: 'device', type: ['null', 'string'], default: null }] });
const nullableIds = JSON.stringify({ ...JSON.parse(v1), fields: fields.map((f) => (f.type === 'string' ? { ...f, type: ['null', 'string'] } : f)) });
const scoreAsString = JSON.stringify({ ...JSON.parse(v1), fields: fields.map((f) => (f.name === 'score' ? { ...f, type: 'string' } : f)) });
const schemas: Record<number, string> = { 1: v1, 2: v2, 3: nullableIds, 4: scoreAsString };
const lookup = (id: number) => schemas[id];

const event = { user_id: 'USR-07-0412953851', team_id: '0412953851', team_name: 'Amber-Koala', score: 17, event_time_millis: 1795719600123 };
const full = { ...event, readable_time: '2026-11-26 19:00:00.123', event_type: 'normal' };
const wire = (id: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]);
const encode = (id: number, value: Record<string, unknown>): Buffer => wire(id, Type.forSchema(JSON.parse(schemas[id])).toBuffer(value));

describe('parseAvroEvent', () => {
  it('reads the five fields the boards need from any version of the schema', () => {
    expect(parseAvroEvent(encode(1, full), lookup)).toEqual(event);
    expect(parseAvroEvent(encode(2, { ...full, device: 'ios' }), lookup)).toEqual(event);
  });

  it('ignores bytes after the fields, as Avro readers do', () => {
    expect(parseAvroEvent(Buffer.concat([encode(1, full), Buffer.from([1, 2, 3])]), lookup)).toEqual(event);
  });

  it.each([
    ['no value', null, 'bad_avro', /shorter than/],
    ['a record shorter than the header', Buffer.from([0, 0]), 'bad_avro', /shorter than/],
    ['JSON text', Buffer.from(JSON.stringify(full)), 'bad_avro', /magic byte 0 \(got 123\)/],
    ['an id the registry does not have', encode(1, full).fill(9, 4, 5), 'bad_avro', /no schema with id 9/],
    ['a truncated body', encode(1, full).subarray(0, 12), 'bad_avro', /does not decode/],
    ['a writer whose score is a string', encode(4, { ...full, score: '17' }), 'bad_avro', /cannot be read as the event/],
    ['a null id', encode(3, { ...full, team_id: null }), 'missing_id', /team_id is null/],
    ['an empty id', encode(1, { ...full, user_id: '' }), 'empty_id', /user_id must not be empty/],
  ])('skips %s', (_what, value, kind, message) => {
    const verdict = parseAvroEvent(value as Buffer | null, lookup);
    expect(verdict).toEqual({ invalid: kind, message: expect.stringMatching(message) });
  });
});
