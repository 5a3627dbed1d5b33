/**
 * How a test reads and writes the records of the input topic in the stack's event format: JSON, or
 * Avro through the stack's schema registry (the oracle's own Avro rule reads it; the contract's schema
 * writes it). Both parse a record into a valid event or a reason it is skipped.
 */
import { execFileSync } from 'node:child_process';
import { Type } from 'avsc';
import { userScoreAvroSchema, valueSubject } from '../common/contract/event-schema';
import { ConfluentAvroReader, schemaIdOf } from '../common/record-formats';
import { GameEvent } from '../oracle/src/game-event';
import { parseAvroEvent } from '../oracle/src/parse-avro-event';
import { parseEvent } from '../oracle/src/parse-event';

export interface InputCodec {
  /** Called with every record before `parse`: fetches what parsing them needs (Avro: their schemas). */
  prepare(values: readonly (Buffer | null)[]): Promise<void>;
  parse(value: Buffer | null): GameEvent | { readonly invalid: string };
  /** The record value of an event given as its JSON value. */
  encode(json: string): string | Buffer;
}

export const JSON_INPUT: InputCodec = {
  prepare: async () => undefined,
  parse: (value) => parseEvent(value ?? Buffer.alloc(0)),
  encode: (json) => json,
};

export const isValidEvent = (r: GameEvent | { readonly invalid: string }): r is GameEvent => !('invalid' in r);

/** A schema registry's REST API as a test reaches it: GET `path`, or POST `body` as JSON; the parsed answer. */
export type RegistryRequest = (path: string, body?: unknown) => Promise<unknown>;

export const registryAtUrl = (url: string): RegistryRequest => async (path, body) => {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`schema registry ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text);
};

/** The Kafka boards' format of a stack on Avro: read through its registry. */
export const avroBoards = (registry: RegistryRequest): ConfluentAvroReader =>
  new ConfluentAvroReader(async (id) => ((await registry(`/schemas/ids/${id}`)) as { schema: string }).schema);

/** Node's fetch inside the registry's own container (which nothing outside the stack reaches), on its port. */
const IN_CONTAINER =
  "const [p, b] = process.argv.slice(1); fetch('http://127.0.0.1:8085' + p, { method: b ? 'POST' : 'GET', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: b || undefined })" +
  '.then(async (r) => { const t = await r.text(); if (!r.ok) { console.error(r.status + " " + t); process.exit(1); } process.stdout.write(t); })';

/** The registry of a deployed stack, through `exec`, which runs a command in its container (`docker exec`, `kubectl exec`). */
export const registryInContainer = (exec: (command: string[]) => string): RegistryRequest => async (path, body) =>
  JSON.parse(exec(['node', '-e', IN_CONTAINER, path, ...(body === undefined ? [] : [JSON.stringify(body)])]));

/** `docker exec` into a container. */
export const dockerExec = (container: string) => (command: string[]): string =>
  execFileSync('docker', ['exec', container, ...command], { encoding: 'utf8', timeout: 60_000 });

/** Registers `schema` (the contract's by default) under the value subject of `topic`; its id. */
export async function registerEventSchema(registry: RegistryRequest, topic: string, schema = userScoreAvroSchema()): Promise<number> {
  return ((await registry(`/subjects/${valueSubject(topic)}/versions`, { schema })) as { id: number }).id;
}

/**
 * Avro as the stack's injector writes it: parsed with the schemas the records' ids name, written with
 * the contract's, registered on the way (its id is `schemaId`).
 */
export async function avroInput(registry: RegistryRequest, topic: string): Promise<InputCodec & { readonly schemaId: number }> {
  const id = await registerEventSchema(registry, topic);
  const type = Type.forSchema(JSON.parse(userScoreAvroSchema()) as Parameters<typeof Type.forSchema>[0]);
  const header = Buffer.from([0, 0, 0, 0, 0]);
  header.writeUInt32BE(id, 1);
  const schemas = new Map<number, string | undefined>();
  return {
    schemaId: id,
    async prepare(values) {
      const ids = new Set(values.map((v) => (v === null ? undefined : schemaIdOf(v))));
      for (const schemaId of ids) {
        if (schemaId === undefined || schemas.has(schemaId)) continue;
        const found = await registry(`/schemas/ids/${schemaId}`).catch(() => undefined);
        schemas.set(schemaId, (found as { schema?: string } | undefined)?.schema);
      }
    },
    parse: (value) => parseAvroEvent(value, (schemaId) => schemas.get(schemaId)),
    encode: (json) => {
      const value = { readable_time: '', event_type: 'normal', ...(JSON.parse(json) as Record<string, unknown>) };
      return Buffer.concat([header, type.toBuffer(value)]);
    },
  };
}
