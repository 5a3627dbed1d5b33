import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompatibilityLevel, InvalidSchemaError, compatibilityProblem, parseSchema } from '../src/avro-schemas';

const v1Text = readFileSync(join(__dirname, '..', '..', 'common', 'contract', 'user-score.avsc'), 'utf8');
const v1 = JSON.parse(v1Text) as { fields: unknown[] };
const withField = (field: unknown) => JSON.stringify({ ...v1, fields: [...v1.fields, field] });
const optionalDevice = withField({ name: 'device', type: ['null', 'string'], default: null });
const requiredDevice = withField({ name: 'device', type: 'string' });
const withoutEventType = JSON.stringify({ ...v1, fields: v1.fields.slice(0, -1) });
const type = (text: string) => parseSchema(text).type;

describe('parseSchema', () => {
  it("accepts the contract's event schema and drops its whitespace", () => {
    const parsed = parseSchema(v1Text);
    expect(parsed.text).toBe(JSON.stringify(JSON.parse(v1Text)));
    expect(parsed.type.name).toBe('leaderboard.events.UserScore');
  });

  it('compares schemas by their full form: layout does not count, a default does', () => {
    expect(parseSchema(JSON.stringify(v1)).fingerprint).toBe(parseSchema(v1Text).fingerprint);
    const otherDefault = withField({ name: 'device', type: ['null', 'string'], default: null }).replace('"default":null', '"default":null,"doc":"x"');
    expect(parseSchema(otherDefault).fingerprint).not.toBe(parseSchema(optionalDevice).fingerprint);
  });

  it.each([
    ['not JSON', '{"type":', /not JSON/],
    ['an unknown type', '{"type":"record","name":"R","fields":[{"name":"a","type":"strin"}]}', /not Avro/],
    ['a record without a name', '{"type":"record","fields":[]}', /not Avro/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseSchema(text)).toThrow(InvalidSchemaError);
    expect(() => parseSchema(text)).toThrow(message);
  });
});

describe('compatibilityProblem', () => {
  const check = (level: CompatibilityLevel, candidate: string, ...earlier: string[]) => compatibilityProblem(level, type(candidate), earlier.map(type));

  it('lets a first version through at any level', () => {
    expect(check('FULL_TRANSITIVE', requiredDevice)).toBeUndefined();
  });

  it('BACKWARD: a new optional field with a default may follow; a new required one may not', () => {
    expect(check('BACKWARD', optionalDevice, v1Text)).toBeUndefined();
    expect(check('BACKWARD', requiredDevice, v1Text)).toMatch(/device/);
  });

  it('BACKWARD: removing a field may follow (the reader ignores it); FORWARD: not without a default', () => {
    expect(check('BACKWARD', withoutEventType, v1Text)).toBeUndefined();
    expect(check('FORWARD', withoutEventType, v1Text)).toMatch(/event_type/);
  });

  it('FULL needs both directions', () => {
    expect(check('FULL', optionalDevice, v1Text)).toBeUndefined();
    expect(check('FULL', requiredDevice, v1Text)).toBeDefined();
  });

  it('checks against the latest version only, or every one with _TRANSITIVE', () => {
    // device drops its default: v2's records carry it, v1's do not.
    const v3 = withField({ name: 'device', type: ['null', 'string'] });
    expect(check('BACKWARD', v3, v1Text, optionalDevice)).toBeUndefined();
    expect(check('BACKWARD_TRANSITIVE', v3, v1Text, optionalDevice)).toMatch(/device/);
    expect(check('NONE', requiredDevice, v1Text)).toBeUndefined();
  });
});
