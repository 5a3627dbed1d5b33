/**
 * The validity rule for Avro input (docs/boards.md, Avro), decided independently of Flink with avsc:
 * Confluent's wire format (magic byte 0, a 4-byte big-endian schema id, the Avro body), the writer's
 * schema from the registry by that id, resolved against the five fields the boards read as nullable
 * columns (as Flink derives its reader schema from the table), then the JSON rule's checks on their
 * values: ids present and non-empty, score and event time present. Trailing bytes after the fields are
 * ignored, as Avro's readers do.
 */
import { Type } from 'avsc';
import { GameEvent, InvalidKind } from './game-event';

/** The ways an Avro record is invalid: the JSON rule's field kinds, and bad_avro for the record itself. */
export type AvroInvalidKind = InvalidKind | 'bad_avro';

export interface AvroInvalidReason {
  readonly invalid: AvroInvalidKind;
  readonly message: string;
}

/** The schema text a registry holds under an id, or undefined when it has none. */
export type SchemaLookup = (id: number) => string | undefined;

const READER = Type.forSchema({
  type: 'record',
  name: 'UserScore',
  namespace: 'leaderboard.events',
  fields: [
    { name: 'user_id', type: ['null', 'string'], default: null },
    { name: 'team_id', type: ['null', 'string'], default: null },
    { name: 'team_name', type: ['null', 'string'], default: null },
    { name: 'score', type: ['null', 'int'], default: null },
    { name: 'event_time_millis', type: ['null', 'long'], default: null },
  ],
});

const MISSING: Record<keyof GameEvent, AvroInvalidKind> = {
  user_id: 'missing_id',
  team_id: 'missing_id',
  team_name: 'missing_id',
  score: 'missing_score',
  event_time_millis: 'missing_event_time',
};

const bad = (invalid: AvroInvalidKind, message: string): AvroInvalidReason => ({ invalid, message });

/** Resolvers by schema text: a schema is parsed once however many records carry its id. */
const resolvers = new Map<string, ReturnType<Type['createResolver']> | string>();

function resolverFor(schema: string): ReturnType<Type['createResolver']> | string {
  let resolver = resolvers.get(schema);
  if (resolver === undefined) {
    try {
      resolver = READER.createResolver(Type.forSchema(JSON.parse(schema) as Parameters<typeof Type.forSchema>[0]));
    } catch (err) {
      resolver = `the writer's schema cannot be read as the event: ${(err as Error).message}`;
    }
    resolvers.set(schema, resolver);
  }
  return resolver;
}

export function parseAvroEvent(value: Buffer | null, schemaOf: SchemaLookup): GameEvent | AvroInvalidReason {
  if (value === null || value.length < 5) return bad('bad_avro', "record value is shorter than Confluent's 5-byte header");
  if (value[0] !== 0) return bad('bad_avro', `record value does not start with Confluent's magic byte 0 (got ${value[0]})`);
  const id = value.readUInt32BE(1);
  const schema = schemaOf(id);
  if (schema === undefined) return bad('bad_avro', `the registry has no schema with id ${id}`);
  const resolver = resolverFor(schema);
  if (typeof resolver === 'string') return bad('bad_avro', resolver);
  let fields: Record<keyof GameEvent, string | number | null>;
  try {
    fields = READER.fromBuffer(value.subarray(5), resolver, true) as Record<keyof GameEvent, string | number | null>;
  } catch (err) {
    return bad('bad_avro', `the body does not decode: ${(err as Error).message}`);
  }
  for (const name of Object.keys(MISSING) as (keyof GameEvent)[]) {
    if (fields[name] === null) return bad(MISSING[name], `field ${name} is null`);
    if (typeof fields[name] === 'string' && fields[name] === '') return bad('empty_id', `field ${name} must not be empty`);
  }
  return fields as unknown as GameEvent;
}

export const isAvroInvalid = (r: GameEvent | AvroInvalidReason): r is AvroInvalidReason => 'invalid' in r;
