/**
 * Hot Streaks (docs/boards.md). For an event at time t the short and long averages are the
 * mean scores of the player's events with event time in [t - 10 s, t] and [t - 60 s, t], both bounds
 * inclusive, events at the same time included (Flink's RANGE OVER windows treat them as peers). A
 * player's current values are those of their latest event, so only that event's windows are needed.
 * The result depends on the set of events only, not on their arrival order; Flink's aggregate
 * (hot_streak_windows in the runner jar) counts late events the same way.
 * Only players "hot right now" are ranked: latest event at or after the game clock's minute minus
 * `activeMinutes`, the game clock being the latest event time of all events (flink-sql/sql/hot_streaks.sql).
 */
import type { HotStreakRow } from '../../common/contract';
import type { GameEvent } from './game-event';
import { MINUTE_MILLIS, clockMinute } from './game-clock';
import { compareUtf8 } from './utf8-order';

export const SHORT_WINDOW_MILLIS = 10_000;
export const LONG_WINDOW_MILLIS = 60_000;

interface Window {
  sum: number;
  count: number;
}

const mean = (w: Window): number => w.sum / w.count;

export function hotStreaks(events: readonly GameEvent[], size: number, activeMinutes: number): HotStreakRow[] {
  const byPlayer = new Map<string, GameEvent[]>();
  for (const e of events) {
    const list = byPlayer.get(e.user_id);
    if (list === undefined) byPlayer.set(e.user_id, [e]);
    else list.push(e);
  }
  const activeSince = (clockMinute(events) - activeMinutes) * MINUTE_MILLIS;
  const rows: Omit<HotStreakRow, 'rnk'>[] = [];
  for (const [userId, list] of byPlayer) {
    const latest = list.reduce((t, e) => Math.max(t, e.event_time_millis), -Infinity);
    if (latest < activeSince) continue;
    const short: Window = { sum: 0, count: 0 };
    const long: Window = { sum: 0, count: 0 };
    for (const e of list) {
      const age = latest - e.event_time_millis;
      if (age <= LONG_WINDOW_MILLIS) {
        long.sum += e.score;
        long.count++;
        if (age <= SHORT_WINDOW_MILLIS) {
          short.sum += e.score;
          short.count++;
        }
      }
    }
    // Sums of SQL INTs stay exact in doubles far beyond any window's size, so these divisions are
    // bit for bit what Flink's AVG over DOUBLE computes.
    const longAvg = mean(long);
    if (longAvg === 0) continue;
    const shortAvg = mean(short);
    rows.push({ user_id: userId, short_term_avg: shortAvg, long_term_avg: longAvg, peak_hotness: shortAvg / longAvg });
  }
  rows.sort((a, b) => (b.peak_hotness > a.peak_hotness ? 1 : b.peak_hotness < a.peak_hotness ? -1 : 0) || compareUtf8(a.user_id, b.user_id));
  return rows.slice(0, size).map((row, i) => ({ rnk: i + 1, ...row }));
}
