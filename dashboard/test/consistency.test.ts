import { inconsistency } from '../src/consistency';
import { AnyRow } from '../src/rows';

const player = (rnk: number, user: string, score: number) => ({ rnk, user_id: user, team_name: 'T', total_score: score });
const team = (rnk: number, id: string, name: string, score: number) => ({ rnk, team_id: id, team_name: name, total_score: score });
const mvp = (rnk: number, user: string, teamName: string, ratio: number) => ({
  rnk, user_id: user, team_name: teamName, player_total: 1, team_total: 2, contrib_ratio: ratio,
});

describe('inconsistency', () => {
  it('accepts an empty board and ranks 1..N', () => {
    expect(inconsistency('top_players', [])).toBeUndefined();
    expect(inconsistency('top_players', [player(1, 'a', 5), player(2, 'b', 5), player(3, 'c', 1)])).toBeUndefined();
  });

  it('rejects a gap or a board not starting at 1', () => {
    expect(inconsistency('top_players', [player(1, 'a', 5), player(3, 'c', 1)])).toBe('rank 2 is missing');
    expect(inconsistency('top_players', [player(2, 'a', 5)])).toBe('rank 1 is missing');
  });

  it('rejects an entity at two ranks', () => {
    expect(inconsistency('top_players', [player(1, 'a', 5), player(2, 'a', 5)])).toBe('user_id "a" is at ranks 1 and 2');
    expect(inconsistency('top_teams', [team(1, '1', 'Red', 9), team(2, '1', 'Red', 9)])).toBe('team_id "1" is at ranks 1 and 2');
  });

  it('accepts what the SQL allows: two teams sharing a name, one user the MVP of two teams', () => {
    expect(inconsistency('top_teams', [team(1, '1', 'Red', 9), team(2, '2', 'Red', 9)])).toBeUndefined();
    expect(inconsistency('team_mvps', [mvp(1, 'u1', 'Red', 0.9), mvp(2, 'u1', 'Red', 0.5), mvp(3, 'u2', 'Blue', 0.4)])).toBeUndefined();
  });

  it('rejects a ranking value that rises down the board', () => {
    expect(inconsistency('top_players', [player(1, 'a', 5), player(2, 'b', 7)])).toBe('total_score rises from rank 1 to rank 2');
    expect(inconsistency('team_mvps', [mvp(1, 'u1', 'Red', 0.5), mvp(2, 'u2', 'Blue', 0.6)] as AnyRow[])).toContain('contrib_ratio');
  });
});
