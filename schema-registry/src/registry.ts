/**
 * The registry's operations: reads answer from the state, writes decide against it and append their
 * record to the log one at a time, so two registrations racing cannot take one id or version.
 */
import { CompatibilityLevel } from './avro-schemas';
import { LogRecord, RegistryState, SchemaVersion, parseOrRefuse, schemaNotFound } from './registry-state';

/** Where writes go: resolves once the record is applied to the state (SchemaLog.append). */
export type Append = (record: LogRecord) => Promise<void>;

export class SchemaRegistry {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly state: RegistryState,
    private readonly append: Append,
  ) {}

  /** Registers `schema` under `subject` (or finds it there) and returns its id. */
  register(subject: string, schema: string): Promise<number> {
    return this.serially(async () => {
      const decided = this.state.registration(subject, schema);
      if ('existing' in decided) return decided.existing.id;
      await this.append(decided.record);
      return (decided.record.value as { id: number }).id;
    });
  }

  /** The version of `subject` that holds `schema`; 404 when none does. */
  lookup(subject: string, schema: string): SchemaVersion {
    const found = this.state.lookup(subject, parseOrRefuse(schema));
    if (!found) throw schemaNotFound();
    return found;
  }

  /** Whether `schema` may follow `subject` up to `version` under the subject's compatibility, and if not, why. */
  compatibility(subject: string, version: string, schema: string): { compatible: boolean; problem?: string } {
    const candidate = parseOrRefuse(schema);
    const upTo = this.state.version(subject, version);
    const problem = this.state.compatibilityProblem(subject, candidate, upTo);
    return problem ? { compatible: false, problem } : { compatible: true };
  }

  /** Sets the compatibility level of `subject`, or the global one with null. */
  setCompatibility(subject: string | null, level: CompatibilityLevel): Promise<void> {
    return this.serially(() => this.append({ key: { keytype: 'CONFIG', subject, magic: 0 }, value: { compatibilityLevel: level } }));
  }

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write, write);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

