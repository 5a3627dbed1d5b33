/**
 * What the registry knows: subjects with their versions, schemas by id, compatibility settings. It
 * is built only by applying the records of the schemas topic in order, the same way on every start,
 * so the topic is the registry's one state; decisions (the next id, the next version) are made here
 * and take effect when their record comes back from the topic.
 *
 * The records follow Confluent Schema Registry's `_schemas` layout (JSON key and value, keytype
 * SCHEMA or CONFIG), so a topic is readable by people who know that one.
 */
import { CompatibilityLevel, ParsedSchema, compatibilityProblem, isCompatibilityLevel, parseSchema } from './avro-schemas';

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export interface SchemaKey {
  readonly keytype: 'SCHEMA';
  readonly subject: string;
  readonly version: number;
  readonly magic: 1;
}
export interface SchemaValue {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schema: string;
  readonly deleted: false;
}
export interface ConfigKey {
  readonly keytype: 'CONFIG';
  /** null: the global setting. */
  readonly subject: string | null;
  readonly magic: 0;
}
export interface ConfigValue {
  readonly compatibilityLevel: CompatibilityLevel;
}
export type LogRecord = { readonly key: SchemaKey; readonly value: SchemaValue } | { readonly key: ConfigKey; readonly value: ConfigValue };

/** A request the registry refuses, with the HTTP status and Confluent's error code. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

const subjectNotFound = (subject: string): RegistryError => new RegistryError(404, 40401, `Subject '${subject}' not found.`);
const versionNotFound = (version: string | number): RegistryError => new RegistryError(404, 40402, `Version ${version} not found.`);
export const schemaNotFound = (): RegistryError => new RegistryError(404, 40403, 'Schema not found.');

/** `text` parsed, or the API's refusal of an invalid schema. */
export function parseOrRefuse(text: string): ParsedSchema {
  try {
    return parseSchema(text);
  } catch (err) {
    throw new RegistryError(422, 42201, `Invalid schema: ${(err as Error).message}`);
  }
}

export interface SchemaVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schema: ParsedSchema;
}

export class RegistryState {
  private readonly subjects = new Map<string, SchemaVersion[]>();
  private readonly schemas = new Map<number, ParsedSchema>();
  private readonly idByFingerprint = new Map<string, number>();
  private readonly levels = new Map<string | null, CompatibilityLevel>();
  /** Records the topic held that this version cannot read: counted, never fatal, so a newer writer does not stop an older reader. */
  skipped = 0;

  /** Applies one record of the schemas topic (a compacted topic: a later record replaces an earlier one's key). */
  apply(key: unknown, value: unknown): void {
    const record = asLogRecord(key, value);
    if (!record) {
      this.skipped++;
      return;
    }
    if (record.key.keytype === 'CONFIG') {
      this.levels.set(record.key.subject, (record.value as ConfigValue).compatibilityLevel);
      return;
    }
    const { subject, version, id, schema } = record.value as SchemaValue;
    let parsed: ParsedSchema;
    try {
      parsed = parseSchema(schema);
    } catch {
      this.skipped++;
      return;
    }
    // A compacted topic may still hold an older record of the same key: the later one wins.
    const versions = (this.subjects.get(subject) ?? []).filter((v) => v.version !== version);
    versions.push({ subject, version, id, schema: parsed });
    versions.sort((a, b) => a.version - b.version);
    this.subjects.set(subject, versions);
    this.schemas.set(id, parsed);
    if (!this.idByFingerprint.has(parsed.fingerprint)) this.idByFingerprint.set(parsed.fingerprint, id);
  }

  subjectNames(): string[] {
    return [...this.subjects.keys()].sort();
  }

  versions(subject: string): SchemaVersion[] {
    const versions = this.subjects.get(subject);
    if (!versions) throw subjectNotFound(subject);
    return versions;
  }

  /** `version`: a positive number, `latest` or -1, as the REST API takes it. */
  version(subject: string, version: string): SchemaVersion {
    const versions = this.versions(subject);
    if (version === 'latest' || version === '-1') return versions[versions.length - 1];
    if (!/^[1-9][0-9]{0,9}$/.test(version)) {
      throw new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
    }
    const found = versions.find((v) => v.version === Number(version));
    if (!found) throw versionNotFound(version);
    return found;
  }

  schema(id: number): ParsedSchema {
    const schema = this.schemas.get(id);
    if (!schema) throw schemaNotFound();
    return schema;
  }

  /** The subjects and versions that hold schema `id`. */
  usesOf(id: number): { subject: string; version: number }[] {
    this.schema(id);
    return [...this.subjects.values()].flat().filter((v) => v.id === id).map(({ subject, version }) => ({ subject, version }));
  }

  /** The version of `subject` that holds `schema`, if any. */
  lookup(subject: string, schema: ParsedSchema): SchemaVersion | undefined {
    return this.versions(subject).find((v) => v.schema.fingerprint === schema.fingerprint);
  }

  /** The level set for `subject` (null: the global one), if one was set. */
  compatibilityOf(subject: string | null): CompatibilityLevel | undefined {
    return this.levels.get(subject);
  }

  /** The level that rules `subject` (null: the global one): its own, else the global one, else BACKWARD. */
  effectiveCompatibility(subject: string | null): CompatibilityLevel {
    return this.levels.get(subject) ?? this.levels.get(null) ?? DEFAULT_COMPATIBILITY;
  }

  /** Why `schema` may not follow the versions of `subject` (at `upTo` and before), or undefined when it may. */
  compatibilityProblem(subject: string, schema: ParsedSchema, upTo?: SchemaVersion): string | undefined {
    const versions = this.subjects.get(subject) ?? [];
    const earlier = versions.filter((v) => !upTo || v.version <= upTo.version).map((v) => v.schema.type);
    return compatibilityProblem(this.effectiveCompatibility(subject), schema.type, earlier);
  }

  /**
   * Registering `text` under `subject`: the version that already holds it, or the record that adds
   * it (the id of the same schema elsewhere, else the next id). Throws a RegistryError for an invalid
   * or incompatible schema.
   */
  registration(subject: string, text: string): { existing: SchemaVersion } | { record: LogRecord } {
    const schema = parseOrRefuse(text);
    const versions = this.subjects.get(subject) ?? [];
    const existing = versions.find((v) => v.schema.fingerprint === schema.fingerprint);
    if (existing) return { existing };
    const problem = this.compatibilityProblem(subject, schema);
    if (problem) {
      throw new RegistryError(
        409,
        409,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}": ${problem}`,
      );
    }
    const id = this.idByFingerprint.get(schema.fingerprint) ?? Math.max(0, ...this.schemas.keys()) + 1;
    const version = (versions[versions.length - 1]?.version ?? 0) + 1;
    return {
      record: {
        key: { keytype: 'SCHEMA', subject, version, magic: 1 },
        value: { subject, version, id, schema: schema.text, deleted: false },
      },
    };
  }
}

/** A record of the topic this registry understands, or undefined for anything else (other keytypes, deletions, garbage). */
function asLogRecord(key: unknown, value: unknown): LogRecord | undefined {
  if (!isObject(key) || !isObject(value)) return undefined;
  if (key.keytype === 'CONFIG' && (key.subject === null || typeof key.subject === 'string') && isCompatibilityLevel(value.compatibilityLevel)) {
    return { key: { keytype: 'CONFIG', subject: key.subject, magic: 0 }, value: { compatibilityLevel: value.compatibilityLevel } };
  }
  if (
    key.keytype === 'SCHEMA' &&
    typeof value.subject === 'string' &&
    value.subject === key.subject &&
    Number.isSafeInteger(value.version) &&
    value.version === key.version &&
    Number.isSafeInteger(value.id) &&
    typeof value.schema === 'string' &&
    value.deleted !== true
  ) {
    const { subject, version, id, schema } = value as unknown as SchemaValue;
    return { key: { keytype: 'SCHEMA', subject, version, magic: 1 }, value: { subject, version, id, schema, deleted: false } };
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
