/**
 * Avro schemas as the registry sees them: parsed (so a registered schema is a valid one), compared by
 * their full form, and checked for compatibility by Avro's own schema resolution (avsc's resolver),
 * the rule a reader applies to data written with another schema.
 */
import { Type } from 'avsc';

export const COMPATIBILITY_LEVELS = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const isCompatibilityLevel = (value: unknown): value is CompatibilityLevel =>
  typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);

export class InvalidSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSchemaError';
  }
}

export interface ParsedSchema {
  /** The schema as registered, whitespace removed: what the API returns. */
  readonly text: string;
  /**
   * The form two registrations are compared by: names resolved and attributes (defaults, docs) kept,
   * so a schema that differs only in a default is a new version.
   */
  readonly fingerprint: string;
  readonly type: Type;
}

export function parseSchema(text: string): ParsedSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidSchemaError(`the schema is not JSON: ${(err as Error).message}`);
  }
  let type: Type;
  try {
    type = Type.forSchema(json as Parameters<typeof Type.forSchema>[0], { noAnonymousTypes: true });
  } catch (err) {
    throw new InvalidSchemaError(`the schema is not Avro: ${(err as Error).message}`);
  }
  return { text: JSON.stringify(json), fingerprint: JSON.stringify(type.schema({ exportAttrs: true })), type };
}

/** Why data written with `writer` cannot be read with `reader`, or undefined when it can. */
function resolutionProblem(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Why `candidate` may not follow `earlier` (oldest first) under `level`, or undefined when it may.
 * BACKWARD: the new schema reads what the previous one wrote (consumers upgrade first); FORWARD: the
 * previous one reads what the new one writes; FULL: both; the _TRANSITIVE levels against every
 * earlier version, the others against the latest only.
 */
export function compatibilityProblem(level: CompatibilityLevel, candidate: Type, earlier: readonly Type[]): string | undefined {
  if (level === 'NONE' || earlier.length === 0) return undefined;
  const against = level.endsWith('_TRANSITIVE') ? [...earlier].reverse() : [earlier[earlier.length - 1]];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  for (const previous of against) {
    const cannotReadOld = backward && resolutionProblem(candidate, previous);
    if (cannotReadOld) return `it cannot read records written with an earlier version (${level}): ${cannotReadOld}`;
    const oldCannotRead = forward && resolutionProblem(previous, candidate);
    if (oldCannotRead) return `an earlier version cannot read records written with it (${level}): ${oldCannotRead}`;
  }
  return undefined;
}
