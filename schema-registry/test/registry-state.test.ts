import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogRecord, RegistryError, RegistryState } from '../src/registry-state';

const v1 = readFileSync(join(__dirname, '..', '..', 'common', 'contract', 'user-score.avsc'), 'utf8');
const fields = (JSON.parse(v1) as { fields: unknown[] }).fields;
const v2 = JSON.stringify({ ...JSON.parse(v1), fields: [...fields, { name: 'device', type: ['null', 'string'], default: null }] });
const incompatible = JSON.stringify({ ...JSON.parse(v1), fields: [...fields, { name: 'device', type: 'string' }] });
const key = JSON.stringify({ type: 'record', name: 'TopTeamsKey', fields: [{ name: 'rnk', type: 'long' }] });

/** Registers the way the service does: decide, then apply the record as if it came back from the topic. */
function register(state: RegistryState, subject: string, schema: string): number {
  const decided = state.registration(subject, schema);
  if ('existing' in decided) return decided.existing.id;
  apply(state, decided.record);
  return (decided.record.value as { id: number }).id;
}
const apply = (state: RegistryState, record: LogRecord) => state.apply(JSON.parse(JSON.stringify(record.key)), JSON.parse(JSON.stringify(record.value)));
const refusal = (run: () => unknown): RegistryError => {
  try {
    run();
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('RegistryState', () => {
  it('gives a new schema the next id and the next version, and the same schema its existing one', () => {
    const state = new RegistryState();
    expect(register(state, 'user-score-value', v1)).toBe(1);
    expect(register(state, 'top-teams-key', key)).toBe(2);
    expect(register(state, 'user-score-value', v2)).toBe(3);
    expect(register(state, 'user-score-value', JSON.stringify(JSON.parse(v1), null, 2))).toBe(1);
    expect(state.versions('user-score-value').map((v) => [v.version, v.id])).toEqual([[1, 1], [2, 3]]);
    expect(state.version('user-score-value', 'latest').id).toBe(3);
    expect(state.version('user-score-value', '-1').version).toBe(2);
    expect(state.subjectNames()).toEqual(['top-teams-key', 'user-score-value']);
  });

  it('shares one id between subjects that register the same schema', () => {
    const state = new RegistryState();
    register(state, 'a-value', v1);
    expect(register(state, 'b-value', v1)).toBe(1);
    expect(state.usesOf(1)).toEqual([
      { subject: 'a-value', version: 1 },
      { subject: 'b-value', version: 1 },
    ]);
  });

  it('refuses an incompatible schema under BACKWARD (the default) with 409, and takes it under NONE', () => {
    const state = new RegistryState();
    register(state, 'user-score-value', v1);
    const refused = refusal(() => state.registration('user-score-value', incompatible));
    expect([refused.status, refused.errorCode]).toEqual([409, 409]);
    expect(refused.message).toMatch(/incompatible with an earlier schema for subject "user-score-value": it cannot read records written with an earlier version \(BACKWARD\)/);
    state.apply({ keytype: 'CONFIG', subject: 'user-score-value', magic: 0 }, { compatibilityLevel: 'NONE' });
    expect(register(state, 'user-score-value', incompatible)).toBe(2);
    expect(state.effectiveCompatibility('other')).toBe('BACKWARD');
  });

  it('rules a subject by its own level, else the global one', () => {
    const state = new RegistryState();
    state.apply({ keytype: 'CONFIG', subject: null, magic: 0 }, { compatibilityLevel: 'FULL' });
    expect(state.effectiveCompatibility('x')).toBe('FULL');
    expect(state.compatibilityOf('x')).toBeUndefined();
    state.apply({ keytype: 'CONFIG', subject: 'x', magic: 0 }, { compatibilityLevel: 'NONE' });
    expect(state.effectiveCompatibility('x')).toBe('NONE');
  });

  it.each([
    ['an invalid schema', () => new RegistryState().registration('s', '{"type":"nope"}'), 422, 42201],
    ['an unknown subject', () => new RegistryState().versions('s'), 404, 40401],
    ['an unknown id', () => new RegistryState().schema(7), 404, 40403],
  ])('refuses %s with its Confluent error code', (_what, run, status, code) => {
    const refused = refusal(run);
    expect([refused.status, refused.errorCode]).toEqual([status, code]);
  });

  it('refuses an unknown or malformed version', () => {
    const state = new RegistryState();
    register(state, 's', v1);
    expect(refusal(() => state.version('s', '2')).errorCode).toBe(40402);
    expect(refusal(() => state.version('s', '0')).errorCode).toBe(42202);
    expect(refusal(() => state.version('s', 'one')).errorCode).toBe(42202);
  });

  it("skips records it cannot read and counts them, and lets a key's later record win", () => {
    const state = new RegistryState();
    state.apply('garbage', null);
    state.apply({ keytype: 'NOOP', magic: 0 }, {});
    state.apply({ keytype: 'SCHEMA', subject: 's', version: 1, magic: 1 }, { subject: 's', version: 1, id: 1, schema: '{"type":"nope"}', deleted: false });
    state.apply({ keytype: 'SCHEMA', subject: 's', version: 1, magic: 1 }, { subject: 'other', version: 1, id: 1, schema: v1, deleted: false });
    expect(state.skipped).toBe(4);
    const record = { keytype: 'SCHEMA', subject: 's', version: 1, magic: 1 };
    state.apply(record, { subject: 's', version: 1, id: 1, schema: v1, deleted: false });
    state.apply(record, { subject: 's', version: 1, id: 1, schema: v1, deleted: false });
    expect(state.versions('s')).toHaveLength(1);
    expect(state.schema(1).text).toBe(JSON.stringify(JSON.parse(v1)));
  });
});
