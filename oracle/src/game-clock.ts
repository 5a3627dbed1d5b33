/**
 * The game clock Hot Streaks and Suspected Bots share: the latest event time of all valid events, in
 * whole minutes since the epoch as SQL's integer division of the milliseconds counts them (towards
 * zero). It depends on the set of events only (flink-sql/sql/source.sql, view `game_clock`).
 */
import type { GameEvent } from './game-event';

export const MINUTE_MILLIS = 60_000;

export const minuteOf = (millis: number): number => Math.trunc(millis / MINUTE_MILLIS);

export function clockMinute(events: readonly GameEvent[]): number {
  let latest = -Infinity;
  for (const e of events) latest = Math.max(latest, e.event_time_millis);
  return minuteOf(latest);
}
