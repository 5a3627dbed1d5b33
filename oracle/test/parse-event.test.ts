import { INVALID_KINDS, InvalidKind, isInvalid } from '../src/game-event';
import { parseEvent } from '../src/parse-event';

const base = {
  user_id: 'USR-07-0412953851',
  team_id: '0412953851',
  team_name: 'Amber-Koala',
  score: 17,
  event_time_millis: 1764183600123,
  readable_time: '2025-11-26 19:00:00.123',
  event_type: 'normal',
};

/** The contract's JSON with one field's literal replaced (or removed when `literal` is undefined). */
function withField(field: keyof typeof base, literal: string | undefined): string {
  const parts = Object.entries(base)
    .filter(([k]) => k !== field || literal !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${k === field ? literal : JSON.stringify(v)}`);
  return `{${parts.join(',')}}`;
}

describe('parseEvent', () => {
  it('accepts the contract example, from a string or from UTF-8 bytes', () => {
    const expected = { user_id: base.user_id, team_id: base.team_id, team_name: base.team_name, score: 17, event_time_millis: 1764183600123 };
    expect(parseEvent(JSON.stringify(base))).toEqual(expected);
    expect(parseEvent(Buffer.from(JSON.stringify(base), 'utf8'))).toEqual(expected);
  });

  it.each([
    ['unicode and HTML in names', 'team_name', JSON.stringify('<script>alert("x")</script> Zürich 東京 🔥'), { team_name: '<script>alert("x")</script> Zürich 東京 🔥' }],
    ['escaped unicode', 'team_name', '"\\u00fc\\ud83d\\udd25"', { team_name: 'ü🔥' }],
    ['a robot id', 'user_id', '"RBT-01-0412953851"', { user_id: 'RBT-01-0412953851' }],
    ['a whitespace-only id (non-empty)', 'team_id', '" "', { team_id: ' ' }],
    ['score at INT min', 'score', '-2147483648', { score: -2147483648 }],
    ['score at INT max', 'score', '2147483647', { score: 2147483647 }],
    ['score -0', 'score', '-0', { score: 0 }],
    ['event time 0', 'event_time_millis', '0', { event_time_millis: 0 }],
    ['a negative event time', 'event_time_millis', '-1', { event_time_millis: -1 }],
    ['event time at BIGINT max', 'event_time_millis', '9223372036854775807', { event_time_millis: 9223372036854775807 }],
    ['no readable_time', 'readable_time', undefined, {}],
    ['an unknown event_type', 'event_type', '{"nested":[1,2.5,null]}', {}],
  ] as const)('accepts %s', (_name, field, literal, overrides) => {
    const parsed = parseEvent(withField(field, literal));
    expect(isInvalid(parsed)).toBe(false);
    expect(parsed).toMatchObject(overrides);
  });

  it('accepts surrounding JSON whitespace and a UTF-8 byte order mark', () => {
    expect(isInvalid(parseEvent(` \n\t${JSON.stringify(base)}\r\n`))).toBe(false);
    expect(isInvalid(parseEvent(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(base))])))).toBe(false);
  });

  it('keeps the last of repeated member names', () => {
    expect(parseEvent(JSON.stringify(base).replace('{', '{"score":"bad",'))).toMatchObject({ score: 17 });
    expect(parseEvent(JSON.stringify(base).replace('}', ',"score":"bad"}'))).toMatchObject({ invalid: 'score_not_integer' });
  });

  const cases: [InvalidKind, string, string | Buffer][] = [
    ['bad_json', 'plain text', 'hello world'],
    ['bad_json', 'an empty value', ''],
    ['bad_json', 'truncated JSON', JSON.stringify(base).slice(0, 40)],
    ['bad_json', 'missing closing brace', JSON.stringify(base).slice(0, -1)],
    ['bad_json', 'a trailing comma', JSON.stringify(base).replace('}', ',}')],
    ['bad_json', 'single quotes', "{'user_id':'x'}"],
    ['bad_json', 'trailing content after the object', `${JSON.stringify(base)} x`],
    ['bad_json', 'two objects', `${JSON.stringify(base)}${JSON.stringify(base)}`],
    ['bad_json', 'NaN', withField('score', 'NaN')],
    ['bad_json', 'a leading zero', withField('score', '017')],
    ['bad_json', 'a raw control character in a string', withField('team_name', '"a\u0001b"')],
    ['bad_json', 'invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['not_object', 'an array holding an event', `[${JSON.stringify(base)}]`],
    ['not_object', 'a number', '42'],
    ['not_object', 'a string', '"USR-07-0412953851"'],
    ['not_object', 'null', 'null'],
    ['not_object', 'a boolean', 'true'],
    ['missing_id', 'no user_id', withField('user_id', undefined)],
    ['missing_id', 'no team_id', withField('team_id', undefined)],
    ['missing_id', 'no team_name', withField('team_name', undefined)],
    ['id_not_string', 'a numeric user_id', withField('user_id', '12345')],
    ['id_not_string', 'a numeric team_id', withField('team_id', '412953851')],
    ['id_not_string', 'a null team_name', withField('team_name', 'null')],
    ['id_not_string', 'a boolean user_id', withField('user_id', 'true')],
    ['id_not_string', 'an object team_name', withField('team_name', '{"name":"x"}')],
    ['id_not_string', 'an array user_id', withField('user_id', '["USR-07-0412953851"]')],
    ['empty_id', 'an empty user_id', withField('user_id', '""')],
    ['empty_id', 'an empty team_id', withField('team_id', '""')],
    ['empty_id', 'an empty team_name', withField('team_name', '""')],
    ['missing_score', 'no score', withField('score', undefined)],
    ['score_not_integer', 'a fraction', withField('score', '17.5')],
    ['score_not_integer', 'an integral fraction (17.0)', withField('score', '17.0')],
    ['score_not_integer', 'an exponent', withField('score', '1e2')],
    ['score_not_integer', 'a numeric string', withField('score', '"17"')],
    ['score_not_integer', 'null', withField('score', 'null')],
    ['score_not_integer', 'a boolean', withField('score', 'false')],
    ['score_not_integer', 'an array', withField('score', '[17]')],
    ['score_out_of_range', 'INT max + 1', withField('score', '2147483648')],
    ['score_out_of_range', 'INT min - 1', withField('score', '-2147483649')],
    ['score_out_of_range', 'beyond BIGINT', withField('score', '92233720368547758070')],
    ['missing_event_time', 'no event_time_millis', withField('event_time_millis', undefined)],
    ['event_time_not_integer', 'a fraction', withField('event_time_millis', '1764183600123.5')],
    ['event_time_not_integer', 'an exponent', withField('event_time_millis', '1.764183600123e12')],
    ['event_time_not_integer', 'a numeric string', withField('event_time_millis', '"1764183600123"')],
    ['event_time_not_integer', 'a date string', withField('event_time_millis', '"2025-11-26 19:00:00.123"')],
    ['event_time_not_integer', 'null', withField('event_time_millis', 'null')],
    ['event_time_out_of_range', 'BIGINT max + 1', withField('event_time_millis', '9223372036854775808')],
    ['event_time_out_of_range', 'BIGINT min - 1', withField('event_time_millis', '-9223372036854775809')],
  ];

  it.each(cases)('rejects as %s: %s', (kind, _name, raw) => {
    const parsed = parseEvent(raw);
    expect(parsed).toMatchObject({ invalid: kind });
  });

  it('has a case for every invalid kind', () => {
    expect(new Set(cases.map(([kind]) => kind))).toEqual(new Set(INVALID_KINDS));
  });

  it('names the field and the allowed values in the message', () => {
    expect(parseEvent(withField('score', '2147483648'))).toEqual({
      invalid: 'score_out_of_range',
      field: 'score',
      message: 'field score must be within SQL INT [-2147483648, 2147483647], got 2147483648',
    });
    expect(parseEvent(withField('team_id', '7'))).toMatchObject({ field: 'team_id', message: 'field team_id must be a string, got the number 7' });
  });

  it('reports the first failing field in contract order', () => {
    const raw = JSON.stringify({ ...base, team_id: '', score: 1.5 });
    expect(parseEvent(raw)).toMatchObject({ invalid: 'empty_id', field: 'team_id' });
  });
});
