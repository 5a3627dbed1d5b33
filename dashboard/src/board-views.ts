/**
 * How each leaderboard is shown and when it counts as consistent. The columns themselves come from the
 * data contract (common/contract/metrics.ts); this adds only what the contract does not say: which column
 * a chart plots and labels, which columns identify an entity that may appear once per board, and the
 * column a board is ordered by.
 */
import { MetricId, SUSPECTED_BOT_RULE } from '../../common/contract';

export type ValueFormat = 'integer' | 'ratio-percent' | 'ratio-times' | 'decimal' | 'text';

export interface BoardView {
  /** Chart bar label (an entity name). */
  readonly labelColumn: string;
  /** Chart bar value; boards rank by it, descending. */
  readonly valueColumn: string;
  readonly valueFormat: ValueFormat;
  /**
   * Each of these columns holds a value at most once per consistent board: the columns of the SQL's
   * key that the board shows. Names are not keys (two team ids may share one), nor is a user in Team
   * MVPs (one user may be the MVP of two teams).
   */
  readonly identityColumns: readonly string[];
  readonly chartLabel: string;
  readonly emptyText: string;
  /** Columns a phone-sized screen leaves out, so the ranking value stays in view. */
  readonly secondaryColumns: readonly string[];
}

export const BOARD_VIEWS: Readonly<Record<MetricId, BoardView>> = {
  top_teams: {
    labelColumn: 'team_name',
    valueColumn: 'total_score',
    valueFormat: 'integer',
    identityColumns: ['team_id'],
    chartLabel: 'Total score',
    emptyText: 'No team has scored yet.',
    secondaryColumns: ['team_id'],
  },
  top_players: {
    labelColumn: 'user_id',
    valueColumn: 'total_score',
    valueFormat: 'integer',
    identityColumns: ['user_id'],
    chartLabel: 'Total score',
    emptyText: 'No player has scored yet.',
    secondaryColumns: ['team_name'],
  },
  hot_streaks: {
    labelColumn: 'user_id',
    valueColumn: 'peak_hotness',
    valueFormat: 'ratio-times',
    identityColumns: ['user_id'],
    chartLabel: 'Hotness (10 s avg / 60 s avg)',
    emptyText: 'No player is on a streak right now.',
    secondaryColumns: ['short_term_avg', 'long_term_avg'],
  },
  team_mvps: {
    labelColumn: 'team_name',
    valueColumn: 'contrib_ratio',
    valueFormat: 'ratio-percent',
    // Its key, team_id, is not among its columns.
    identityColumns: [],
    chartLabel: 'Share of team total',
    emptyText: 'No team has an MVP yet.',
    secondaryColumns: ['player_total', 'team_total'],
  },
  suspected_bots: {
    labelColumn: 'user_id',
    valueColumn: 'ratio',
    valueFormat: 'ratio-times',
    // Its key is the player within a team (team_id, user_id); team_id is not among its columns.
    identityColumns: [],
    chartLabel: `Events / team peers' mean (last ${SUSPECTED_BOT_RULE.windowMinutes} min)`,
    emptyText: 'No player plays far above their team right now.',
    secondaryColumns: ['team_name', 'peer_mean'],
  },
};

/** Column headings; a column without one shows its contract name. */
export const COLUMN_HEADINGS: Readonly<Record<string, string>> = {
  rnk: '#',
  team_id: 'Team ID',
  team_name: 'Team',
  user_id: 'Player',
  total_score: 'Score',
  short_term_avg: '10 s avg',
  long_term_avg: '60 s avg',
  peak_hotness: 'Hotness',
  player_total: 'Player pts',
  team_total: 'Team pts',
  contrib_ratio: 'Share',
  window_events: 'Events',
  peer_mean: 'Peer avg',
  ratio: 'Ratio',
};

export const COLUMN_FORMATS: Readonly<Record<string, ValueFormat>> = {
  rnk: 'integer',
  total_score: 'integer',
  player_total: 'integer',
  team_total: 'integer',
  short_term_avg: 'decimal',
  long_term_avg: 'decimal',
  peak_hotness: 'ratio-times',
  contrib_ratio: 'ratio-percent',
  window_events: 'integer',
  peer_mean: 'decimal',
  ratio: 'ratio-times',
};

export function formatValue(format: ValueFormat, value: unknown): string {
  if (typeof value !== 'number') return String(value ?? '');
  switch (format) {
    case 'integer':
      return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
    case 'ratio-percent':
      return `${(value * 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
    case 'ratio-times':
      return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}×`;
    case 'decimal':
      return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'text':
      return String(value);
  }
}

export function formatCell(column: string, value: unknown): string {
  return formatValue(COLUMN_FORMATS[column] ?? 'text', value);
}
