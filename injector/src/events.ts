/**
 * Game events and their wire form (docs/boards.md, Input): key `user_id`, value one JSON object.
 */
import { Prng } from './prng';
import { Team, TeamPool, TeamPoolOptions } from './teams';

export type EventType = 'normal' | 'late';

export interface GameEvent {
  readonly userId: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly score: number;
  readonly eventTimeMillis: number;
  readonly eventType: EventType;
}

export interface EventGeneratorOptions extends TeamPoolOptions {
  readonly minScore: number;
  readonly maxScore: number;
  /** Every Nth event is late; 0 = none. */
  readonly lateEventRate: number;
}

export const LATE_MIN_MILLIS = 5 * 60000;
export const LATE_MAX_MILLIS = 10 * 60000;

export class EventGenerator {
  private readonly pool: TeamPool;
  private count = 0;

  constructor(
    private readonly options: EventGeneratorOptions,
    private readonly prng: Prng,
    startMillis: number,
    private readonly onTeamsReplaced: (gone: readonly Team[], live: readonly Team[]) => void = () => {},
  ) {
    this.pool = new TeamPool(options, prng, startMillis);
  }

  get teams(): readonly Team[] {
    return this.pool.live;
  }

  /** The event arriving at `nowMillis` (which may be fractional; event times are whole milliseconds). */
  next(nowMillis: number): GameEvent {
    const gone = this.pool.expire(nowMillis);
    if (gone.length > 0) this.onTeamsReplaced(gone, this.pool.live);
    this.count++;
    const { userId, team } = this.pool.pickPlayer();
    const score = this.prng.intBetween(this.options.minScore, this.options.maxScore);
    const late = this.options.lateEventRate > 0 && this.count % this.options.lateEventRate === 0;
    const now = Math.floor(nowMillis);
    const eventTimeMillis = late ? now - this.prng.intBetween(LATE_MIN_MILLIS, LATE_MAX_MILLIS) : now;
    return { userId, teamId: team.id, teamName: team.name, score, eventTimeMillis, eventType: late ? 'late' : 'normal' };
  }
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

let cachedSecond = NaN;
let cachedPrefix = '';

/** "2026-11-26 19:00:00.123" in UTC; the prefix is cached per second since events are dense in time. */
export function readableTime(millis: number): string {
  const second = Math.floor(millis / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix =
      `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
      `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.`;
    cachedSecond = second;
  }
  return cachedPrefix + pad3(millis - second * 1000);
}

/**
 * The JSON value, fields in contract order. Built by hand because it is the hot path at 50k+
 * events/s; every string field is an id or a generated name that needs no escaping.
 */
export function eventJson(e: GameEvent): string {
  return (
    `{"user_id":"${e.userId}","team_id":"${e.teamId}","team_name":"${e.teamName}","score":${e.score},` +
    `"event_time_millis":${e.eventTimeMillis},"readable_time":"${readableTime(e.eventTimeMillis)}","event_type":"${e.eventType}"}`
  );
}
