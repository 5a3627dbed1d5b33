import { Type } from 'avsc';
import { ConfluentAvroReader, JSON_RECORDS, schemaIdOf } from '../record-formats';

/** The value schema Flink derives for the Top Teams table: rnk NOT NULL (the key), the rest nullable. */
const TEAM_SCHEMA = {
  type: 'record',
  name: 'record',
  namespace: 'org.apache.flink.avro.generated',
  fields: [
    { name: 'rnk', type: 'long' },
    { name: 'team_id', type: ['null', 'string'], default: null },
    { name: 'total_score', type: ['null', 'long'], default: null },
  ],
};
const teamType = Type.forSchema(TEAM_SCHEMA as Parameters<typeof Type.forSchema>[0]);

const wire = (id: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
};

describe('ConfluentAvroReader', () => {
  const fetched: number[] = [];
  const reader = () =>
    new ConfluentAvroReader(async (id) => {
      fetched.push(id);
      if (id === 7) return JSON.stringify(TEAM_SCHEMA);
      if (id === 8) return '{"type": "no-such-type"}';
      return undefined;
    });

  beforeEach(() => fetched.splice(0));

  it('decodes a record with the schema its id names, fetching each id once', async () => {
    const r = reader();
    const record = wire(7, teamType.toBuffer({ rnk: 1, team_id: 'T-ü', total_score: 42 }));
    await r.prepare([record, record, null]);
    await r.prepare([record]);
    expect(fetched).toEqual([7]);
    expect(r.decode(record)).toEqual({ ok: true, value: expect.objectContaining({ rnk: 1, team_id: 'T-ü', total_score: 42 }) });
    expect(r.decode(wire(7, teamType.toBuffer({ rnk: 2, team_id: null, total_score: null })))).toEqual({
      ok: true,
      value: expect.objectContaining({ rnk: 2, team_id: null, total_score: null }),
    });
  });

  it('says why a record does not decode instead of throwing', async () => {
    const r = reader();
    const truncated = wire(7, teamType.toBuffer({ rnk: 1, team_id: 'T-1', total_score: 42 }).subarray(0, 3));
    const json = Buffer.from('{"rnk":1}');
    await r.prepare([truncated, json, wire(9, Buffer.alloc(1)), wire(8, Buffer.alloc(1))]);
    expect(r.decode(json)).toEqual({ ok: false, reason: expect.stringMatching(/not Confluent's Avro wire format/) });
    expect(r.decode(Buffer.from([0, 0, 0]))).toEqual({ ok: false, reason: expect.stringMatching(/not Confluent's Avro wire format/) });
    expect(r.decode(truncated)).toEqual({ ok: false, reason: expect.stringMatching(/^the body does not decode with schema 7/) });
    expect(r.decode(wire(9, Buffer.alloc(1)))).toEqual({ ok: false, reason: 'the registry has no schema with id 9' });
    expect(r.decode(wire(8, Buffer.alloc(1)))).toEqual({ ok: false, reason: expect.stringMatching(/^schema 8 is not an Avro schema/) });
    expect(r.decode(wire(10, Buffer.alloc(1)))).toEqual({ ok: false, reason: 'the schema with id 10 was not fetched' });
  });

  it('rejects prepare when the registry does not answer, and fetches again on the next call', async () => {
    let up = false;
    const r = new ConfluentAvroReader(async () => {
      if (!up) throw new Error('connect ECONNREFUSED');
      return JSON.stringify(TEAM_SCHEMA);
    });
    const record = wire(7, teamType.toBuffer({ rnk: 3, team_id: 'T-3', total_score: 1 }));
    await expect(r.prepare([record])).rejects.toThrow('ECONNREFUSED');
    up = true;
    await r.prepare([record]);
    expect(r.decode(record).ok).toBe(true);
  });

  it('reads the schema id from the header only when the magic byte is 0', () => {
    expect(schemaIdOf(wire(258, Buffer.alloc(0)))).toBe(258);
    expect(schemaIdOf(Buffer.from([1, 0, 0, 1, 2]))).toBeUndefined();
  });
});

describe('JSON_RECORDS', () => {
  it('parses JSON and says when a record is not', () => {
    expect(JSON_RECORDS.decode(Buffer.from('{"rnk":1}'))).toEqual({ ok: true, value: { rnk: 1 } });
    expect(JSON_RECORDS.decode(Buffer.from([0, 0, 0, 0, 7, 2]))).toEqual({ ok: false, reason: 'not JSON' });
  });
});
