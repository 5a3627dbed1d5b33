/** A valid game event (docs/boards.md, Input), reduced to the fields the leaderboards read. */
export interface GameEvent {
  readonly user_id: string;
  readonly team_id: string;
  readonly team_name: string;
  /** Within SQL INT. */
  readonly score: number;
  /** Within SQL BIGINT; exact up to 2^53 (JavaScript numbers), far beyond any real clock. */
  readonly event_time_millis: number;
}

/**
 * Every way a record can be invalid. Checks run on the whole record first, then field by field in the
 * order user_id, team_id, team_name, score, event_time_millis; the first failing one is reported.
 */
export const INVALID_KINDS = [
  'bad_json',
  'not_object',
  'missing_id',
  'id_not_string',
  'empty_id',
  'missing_score',
  'score_not_integer',
  'score_out_of_range',
  'missing_event_time',
  'event_time_not_integer',
  'event_time_out_of_range',
] as const;

export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface InvalidReason {
  readonly invalid: InvalidKind;
  /** The offending field, when one field is to blame. */
  readonly field?: string;
  readonly message: string;
}

export const isInvalid = (r: GameEvent | InvalidReason): r is InvalidReason => 'invalid' in r;

export const SQL_INT_MIN = -(2n ** 31n);
export const SQL_INT_MAX = 2n ** 31n - 1n;
export const SQL_BIGINT_MIN = -(2n ** 63n);
export const SQL_BIGINT_MAX = 2n ** 63n - 1n;
