/**
 * The five leaderboards (docs/boards.md): one definition per metric, from which the Flink
 * sink DDL of both variants, the PostgreSQL tables, the oracle's row shapes and the dashboard's boards
 * are all derived.
 */

export type ColumnType = 'BIGINT' | 'STRING' | 'DOUBLE';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export type MetricId = 'top_teams' | 'top_players' | 'hot_streaks' | 'team_mvps' | 'suspected_bots';

export interface MetricDefinition {
  readonly id: MetricId;
  /** Human title, as shown on the dashboard. */
  readonly title: string;
  /** PostgreSQL table in schema `leaderboard` (JDBC variant). */
  readonly table: string;
  /** Compacted topic (Kafka variant). */
  readonly topic: string;
  /** Columns in contract order; the first is always `rnk`, the primary key. */
  readonly columns: readonly Column[];
}

export const LEADERBOARD_SIZE = 10;

/**
 * Hot Streaks ranks the players "hot right now": those with an event within this many minutes of the
 * game clock (flink-sql/README.md).
 */
export const DEFAULT_HOT_STREAK_ACTIVE_MINUTES = 5;
/** A day of event time: beyond it the board would be "hot today", not "right now". */
export const MAX_HOT_STREAK_ACTIVE_MINUTES = 1440;

/**
 * Suspected Bots (flink-sql/sql/suspected_bots.sql states it once): within the sliding window of the
 * game clock's current minute and the `windowMinutes` before it, a player with at least `minEvents`
 * events is flagged when at least `minPeers` other players of the same team are active in the window
 * and the player's event count is at least `ratio` times the mean count of those others.
 */
export interface SuspectedBotRule {
  readonly windowMinutes: number;
  readonly minEvents: number;
  readonly minPeers: number;
  readonly ratio: number;
}

/**
 * A robot of the injector plays half of its team's events, so its ratio is the number of humans active
 * with it (5 to 15 in the default game) while a human's stays near 1 or below: 3 separates them with
 * room on both sides. Below 20 events chance does not: a team whose life overlaps the window by a
 * minute has humans at 3x with 15 events (measured on the injector's game at 5 events/s; precision and
 * recall in oracle/test/suspected-bots.test.ts).
 */
export const SUSPECTED_BOT_RULE: SuspectedBotRule = { windowMinutes: 5, minEvents: 20, minPeers: 3, ratio: 3 };

const rnk: Column = { name: 'rnk', type: 'BIGINT' };

export const METRICS: readonly MetricDefinition[] = [
  {
    id: 'top_teams',
    title: 'Top Teams',
    table: 'top_teams',
    topic: 'top-teams',
    columns: [rnk, { name: 'team_id', type: 'STRING' }, { name: 'team_name', type: 'STRING' }, { name: 'total_score', type: 'BIGINT' }],
  },
  {
    id: 'top_players',
    title: 'Top Players',
    table: 'top_players',
    topic: 'top-players',
    columns: [rnk, { name: 'user_id', type: 'STRING' }, { name: 'team_name', type: 'STRING' }, { name: 'total_score', type: 'BIGINT' }],
  },
  {
    id: 'hot_streaks',
    title: 'Hot Streaks',
    table: 'hot_streaks',
    topic: 'hot-streaks',
    columns: [
      rnk,
      { name: 'user_id', type: 'STRING' },
      { name: 'short_term_avg', type: 'DOUBLE' },
      { name: 'long_term_avg', type: 'DOUBLE' },
      { name: 'peak_hotness', type: 'DOUBLE' },
    ],
  },
  {
    id: 'team_mvps',
    title: 'Team MVPs',
    table: 'team_mvps',
    topic: 'team-mvps',
    columns: [
      rnk,
      { name: 'user_id', type: 'STRING' },
      { name: 'team_name', type: 'STRING' },
      { name: 'player_total', type: 'BIGINT' },
      { name: 'team_total', type: 'BIGINT' },
      { name: 'contrib_ratio', type: 'DOUBLE' },
    ],
  },
  {
    id: 'suspected_bots',
    title: 'Suspected Bots',
    table: 'suspected_bots',
    topic: 'suspected-bots',
    columns: [
      rnk,
      { name: 'user_id', type: 'STRING' },
      { name: 'team_name', type: 'STRING' },
      { name: 'window_events', type: 'BIGINT' },
      { name: 'peer_mean', type: 'DOUBLE' },
      { name: 'ratio', type: 'DOUBLE' },
    ],
  },
];

export interface TopTeamRow { rnk: number; team_id: string; team_name: string; total_score: number }
export interface TopPlayerRow { rnk: number; user_id: string; team_name: string; total_score: number }
export interface HotStreakRow { rnk: number; user_id: string; short_term_avg: number; long_term_avg: number; peak_hotness: number }
export interface TeamMvpRow { rnk: number; user_id: string; team_name: string; player_total: number; team_total: number; contrib_ratio: number }
export interface SuspectedBotRow { rnk: number; user_id: string; team_name: string; window_events: number; peer_mean: number; ratio: number }

export interface Leaderboards {
  top_teams: TopTeamRow[];
  top_players: TopPlayerRow[];
  hot_streaks: HotStreakRow[];
  team_mvps: TeamMvpRow[];
  suspected_bots: SuspectedBotRow[];
}
