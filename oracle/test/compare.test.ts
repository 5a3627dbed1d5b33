import { METRICS } from '../../common/contract';
import { compareBoard, compareLeaderboards } from '../src/compare';
import { computeLeaderboards } from '../src/leaderboards';

const boards = computeLeaderboards([
  { user_id: 'USR-1', team_id: '1', team_name: 'A', score: 3, event_time_millis: 1000 },
  { user_id: 'USR-2', team_id: '1', team_name: 'A', score: 1, event_time_millis: 2000 },
  { user_id: 'USR-3', team_id: '2', team_name: 'B', score: 7, event_time_millis: 3000 },
]);
const hotStreaks = METRICS.find((m) => m.id === 'hot_streaks')!;

describe('compareLeaderboards', () => {
  it('finds no difference between equal boards, whatever the row order', () => {
    const shuffled = { ...boards, top_players: [...boards.top_players].reverse() };
    expect(compareLeaderboards(boards, shuffled)).toBeUndefined();
  });

  it('accepts DOUBLE columns within the relative tolerance, and not beyond it', () => {
    const near = boards.team_mvps.map((r) => ({ ...r, contrib_ratio: r.contrib_ratio * (1 + 1e-12) }));
    expect(compareLeaderboards(boards, { ...boards, team_mvps: near })).toBeUndefined();
    const far = boards.team_mvps.map((r) => ({ ...r, contrib_ratio: r.contrib_ratio * (1 + 1e-6) }));
    expect(compareLeaderboards(boards, { ...boards, team_mvps: far })).toMatch(/^Team MVPs \(team_mvps\) differs at row 1 .*\(column contrib_ratio\)/);
  });

  it('demands exact BIGINT and STRING columns and prints expected against got', () => {
    const got = { ...boards, top_teams: boards.top_teams.map((r, i) => (i === 1 ? { ...r, total_score: r.total_score + 1 } : r)) };
    expect(compareLeaderboards(boards, got)).toBe(
      'Top Teams (top_teams) differs at row 2 of expected 2, got 2 (column total_score):\n' +
        '  expected {"rnk":2,"team_id":"1","team_name":"A","total_score":4}\n' +
        '  got      {"rnk":2,"team_id":"1","team_name":"A","total_score":5}',
    );
  });

  it('reports a missing or an extra row', () => {
    expect(compareLeaderboards(boards, { ...boards, top_players: boards.top_players.slice(0, 2) })).toMatch(
      /Top Players \(top_players\) differs at row 3 of expected 3, got 2:\n {2}expected .*USR-2.*\n {2}got {6}\(no row\)/,
    );
    const extra = [...boards.hot_streaks, { ...boards.hot_streaks[0], rnk: 4, user_id: 'X' }];
    expect(compareBoard(hotStreaks, boards.hot_streaks, extra)).toMatch(/differs at row 4 of expected 3, got 4:\n {2}expected \(no row\)/);
  });

  it('compares only the boards asked for', () => {
    const got = { ...boards, hot_streaks: [] };
    expect(compareLeaderboards(boards, got, { metrics: ['top_teams', 'top_players', 'team_mvps'] })).toBeUndefined();
    expect(compareLeaderboards(boards, got)).toMatch(/^Hot Streaks/);
  });
});
