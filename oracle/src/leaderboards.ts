/** The oracle: the five leaderboards of docs/boards.md over a list of valid events. */
import { DEFAULT_HOT_STREAK_ACTIVE_MINUTES, LEADERBOARD_SIZE, Leaderboards, SUSPECTED_BOT_RULE } from '../../common/contract';
import type { GameEvent } from './game-event';
import { hotStreaks } from './hot-streaks';
import { suspectedBots } from './suspected-bots';
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
    suspected_bots: suspectedBots(events, size, SUSPECTED_BOT_RULE),
  };
}
