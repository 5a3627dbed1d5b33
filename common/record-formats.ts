/**
 * How the Kafka-sink boards' keys and values are read: JSON, or Avro in Confluent's wire format (magic
 * byte 0, the writer schema's id as 4 bytes big-endian, the Avro body) with the writer schemas a
 * registry holds, as they are written when the stack runs on Avro. Shared by the dashboard and the
 * tests' board readers, so both read a board record by the same rule.
 */
import { Type } from 'avsc';

export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export interface RecordFormat {
  /** Called with a batch's keys and values before `decode`: fetches what decoding them needs; rejects when that fails. */
  prepare(records: readonly (Buffer | null)[]): Promise<void>;
  /** The record's value, or why it cannot be read; never throws. */
  decode(record: Buffer): Decoded;
}

export const JSON_RECORDS: RecordFormat = {
  prepare: async () => undefined,
  decode(record) {
    try {
      return { ok: true, value: JSON.parse(record.toString()) };
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  },
};

/** The schema text a registry holds under `id`; undefined when it has none; rejects when it does not answer. */
export type SchemaFetch = (id: number) => Promise<string | undefined>;

const HEADER_BYTES = 5;

/** The schema id a record names, or undefined when it is not in Confluent's wire format. */
export function schemaIdOf(record: Buffer): number | undefined {
  return record.length >= HEADER_BYTES && record[0] === 0 ? record.readUInt32BE(1) : undefined;
}

export class ConfluentAvroReader implements RecordFormat {
  /** A parsed writer schema per id, or why the id's schema cannot be used. */
  private readonly types = new Map<number, Type | string>();

  constructor(private readonly fetchSchema: SchemaFetch) {}

  /**
   * Fetches the schemas of `records`' ids it does not hold yet, so `decode` can run without waiting;
   * rejects when the registry does not answer (nothing is decided for those records then).
   */
  async prepare(records: readonly (Buffer | null)[]): Promise<void> {
    const ids = new Set<number>();
    for (const record of records) {
      const id = record === null ? undefined : schemaIdOf(record);
      if (id !== undefined && !this.types.has(id)) ids.add(id);
    }
    for (const id of ids) {
      const schema = await this.fetchSchema(id);
      this.types.set(id, schema === undefined ? `the registry has no schema with id ${id}` : parseSchema(schema, id));
    }
  }

  /** The record's value as its writer schema gives it; call `prepare` with it first. */
  decode(record: Buffer): Decoded {
    const id = schemaIdOf(record);
    if (id === undefined) return { ok: false, reason: "not Confluent's Avro wire format (magic byte 0 and a 4-byte schema id)" };
    const type = this.types.get(id);
    if (type === undefined) return { ok: false, reason: `the schema with id ${id} was not fetched` };
    if (typeof type === 'string') return { ok: false, reason: type };
    try {
      return { ok: true, value: type.fromBuffer(record.subarray(HEADER_BYTES)) };
    } catch (err) {
      return { ok: false, reason: `the body does not decode with schema ${id}: ${(err as Error).message}` };
    }
  }
}

function parseSchema(schema: string, id: number): Type | string {
  try {
    return Type.forSchema(JSON.parse(schema) as Parameters<typeof Type.forSchema>[0]);
  } catch (err) {
    return `schema ${id} is not an Avro schema: ${(err as Error).message}`;
  }
}

/**
 * A registry's `GET /schemas/ids/{id}` at `url` (Confluent's REST API): 404 is no schema, any other
 * failure rejects.
 */
export const registrySchemaFetch = (url: string, timeoutMs = 5_000): SchemaFetch => async (id) => {
  const response = await fetch(`${url.replace(/\/+$/, '')}/schemas/ids/${id}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`schema registry at ${url}: HTTP ${response.status} for schema ${id}`);
  const { schema } = (await response.json()) as { schema?: unknown };
  if (typeof schema !== 'string') throw new Error(`schema registry at ${url}: no schema text for id ${id}`);
  return schema;
};
