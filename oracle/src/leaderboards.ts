/** The oracle: the four leaderboards of ARCHITECTURE.md section 4 over a list of valid events. */
import { DEFAULT_HOT_STREAK_ACTIVE_MINUTES, LEADERBOARD_SIZE, Leaderboards } from '../../common/contract';
import type { GameEvent } from './game-event';
import { hotStreaks } from './hot-streaks';
import { teamMvps, topPlayers, topTeams, totalsOf } from './totals';

export interface LeaderboardOptions {
  /**
   * Rows per board.
   * @default LEADERBOARD_SIZE (10)
   */
  readonly size?: number;
  /**
   * Hot Streaks ranks players with an event within this many minutes of the game clock.
   * @default DEFAULT_HOT_STREAK_ACTIVE_MINUTES (5)
   */
  readonly hotStreakActiveMinutes?: number;
}

export function computeLeaderboards(events: readonly GameEvent[], options: LeaderboardOptions = {}): Leaderboards {
  const size = options.size ?? LEADERBOARD_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  const totals = totalsOf(events);
  return {
    top_teams: topTeams(totals, size),
    top_players: topPlayers(totals, size),
    hot_streaks: hotStreaks(events, size, options.hotStreakActiveMinutes ?? DEFAULT_HOT_STREAK_ACTIVE_MINUTES),
    team_mvps: teamMvps(totals, size),
  };
}
