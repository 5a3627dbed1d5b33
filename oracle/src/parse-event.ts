/**
 * The validity rule of docs/boards.md, by JSON type, not by coercion: a record is valid when
 * its value is exactly one JSON object whose user_id, team_id and team_name are non-empty strings and
 * whose score and event_time_millis are integer number literals (no fraction, no exponent) within SQL
 * INT and BIGINT. So `17.0`, `1e2` and `"17"` are not integers, although Flink's JSON format would coerce
 * each of them into an INT column (see oracle/README.md).
 */
import {
  GameEvent,
  InvalidKind,
  InvalidReason,
  SQL_BIGINT_MAX,
  SQL_BIGINT_MIN,
  SQL_INT_MAX,
  SQL_INT_MIN,
} from './game-event';
import { isIntegerLiteral, isJsonNumber, isJsonObject, JsonObject, JsonSyntaxError, JsonValue, parseJson } from './json-text';

const ID_FIELDS = ['user_id', 'team_id', 'team_name'] as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const invalid = (kind: InvalidKind, message: string, field?: string): InvalidReason =>
  field === undefined ? { invalid: kind, message } : { invalid: kind, field, message };

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isJsonObject(value)) return 'an object';
  if (isJsonNumber(value)) return `the number ${value.text}`;
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `the boolean ${value}`;
}

function decode(raw: string | Buffer): string | InvalidReason {
  if (typeof raw === 'string') return raw;
  try {
    // Jackson skips a leading UTF-8 byte order mark; the decoder does the same (ignoreBOM: false).
    return utf8.decode(raw);
  } catch {
    return invalid('bad_json', 'record value is not valid UTF-8');
  }
}

export function parseEvent(raw: string | Buffer): GameEvent | InvalidReason {
  const text = decode(raw);
  if (typeof text !== 'string') return text;
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return invalid('bad_json', `record value is not JSON: ${e.message}`);
    throw e;
  }
  if (!isJsonObject(root)) return invalid('not_object', `record value must be a JSON object, got ${describe(root)}`);

  for (const field of ID_FIELDS) {
    const problem = checkId(root, field);
    if (problem !== undefined) return problem;
  }
  const score = integerField(root, 'score', SQL_INT_MIN, SQL_INT_MAX, 'missing_score', 'score_not_integer', 'score_out_of_range', 'INT');
  if (typeof score !== 'number') return score;
  const time = integerField(
    root,
    'event_time_millis',
    SQL_BIGINT_MIN,
    SQL_BIGINT_MAX,
    'missing_event_time',
    'event_time_not_integer',
    'event_time_out_of_range',
    'BIGINT',
  );
  if (typeof time !== 'number') return time;
  return {
    user_id: root.get('user_id') as string,
    team_id: root.get('team_id') as string,
    team_name: root.get('team_name') as string,
    score,
    event_time_millis: time,
  };
}

function checkId(root: JsonObject, field: string): InvalidReason | undefined {
  if (!root.has(field)) return invalid('missing_id', `field ${field} is missing`, field);
  const value = root.get(field) as JsonValue;
  if (typeof value !== 'string') return invalid('id_not_string', `field ${field} must be a string, got ${describe(value)}`, field);
  if (value.length === 0) return invalid('empty_id', `field ${field} must not be empty`, field);
  return undefined;
}

function integerField(
  root: JsonObject,
  field: string,
  min: bigint,
  max: bigint,
  missing: InvalidKind,
  notInteger: InvalidKind,
  outOfRange: InvalidKind,
  sqlType: string,
): number | InvalidReason {
  if (!root.has(field)) return invalid(missing, `field ${field} is missing`, field);
  const value = root.get(field) as JsonValue;
  if (!isJsonNumber(value) || !isIntegerLiteral(value)) {
    return invalid(notInteger, `field ${field} must be an integer literal, got ${describe(value)}`, field);
  }
  const exact = BigInt(value.text);
  if (exact < min || exact > max) {
    return invalid(outOfRange, `field ${field} must be within SQL ${sqlType} [${min}, ${max}], got ${value.text}`, field);
  }
  // -0 is an integer literal with the value 0; Number() would keep the sign.
  return exact === 0n ? 0 : Number(exact);
}
