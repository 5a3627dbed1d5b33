/**
 * The four leaderboards (ARCHITECTURE.md section 3): one definition per metric, from which the Flink
 * sink DDL of both variants, the PostgreSQL tables, the oracle's row shapes and the dashboard's boards
 * are all derived.
 */

export type ColumnType = 'BIGINT' | 'STRING' | 'DOUBLE';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export type MetricId = 'top_teams' | 'top_players' | 'hot_streaks' | 'team_mvps';

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
];

export interface TopTeamRow { rnk: number; team_id: string; team_name: string; total_score: number }
export interface TopPlayerRow { rnk: number; user_id: string; team_name: string; total_score: number }
export interface HotStreakRow { rnk: number; user_id: string; short_term_avg: number; long_term_avg: number; peak_hotness: number }
export interface TeamMvpRow { rnk: number; user_id: string; team_name: string; player_total: number; team_total: number; contrib_ratio: number }

export interface Leaderboards {
  top_teams: TopTeamRow[];
  top_players: TopPlayerRow[];
  hot_streaks: HotStreakRow[];
  team_mvps: TeamMvpRow[];
}
