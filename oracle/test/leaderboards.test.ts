import { computeLeaderboards } from '../src/leaderboards';
import type { GameEvent } from '../src/game-event';
import { compareUtf8 } from '../src/utf8-order';

const T0 = 1_764_183_600_000;

function ev(user_id: string, team_id: string, team_name: string, score: number, seconds: number): GameEvent {
  return { user_id, team_id, team_name, score, event_time_millis: T0 + Math.round(seconds * 1000) };
}

describe('compareUtf8', () => {
  it('orders by code point, not by UTF-16 unit or locale', () => {
    // U+FF21 (fullwidth A) sorts before U+1F525 (fire) in UTF-8, after it in UTF-16.
    expect(compareUtf8('\uff21', '🔥')).toBeLessThan(0);
    expect('\uff21' < '🔥').toBe(false);
    expect(compareUtf8('Z', 'a')).toBeLessThan(0);
    expect(compareUtf8('a', 'Z')).toBeGreaterThan(0);
    expect(compareUtf8('é', 'z')).toBeGreaterThan(0);
    expect(compareUtf8('ab', 'abc')).toBeLessThan(0);
    expect(compareUtf8('🔥x', '🔥x')).toBe(0);
  });
});

describe('Top Teams', () => {
  it('ranks by total desc, then team_name in UTF-8 order, then team_id', () => {
    const boards = computeLeaderboards([
      ev('USR-01-1', '1', '🔥-Fire', 6, 0),
      ev('USR-01-1', '1', '🔥-Fire', 4, 1),
      ev('USR-01-2', '2', '\uff21-Wide', 10, 2),
      ev('USR-01-3', '3', 'Zebra', 10, 3),
      ev('USR-01-4', '4', 'alpha', 10, 4),
      ev('USR-01-5', '5', 'Twin', 7, 5),
      ev('USR-01-6', '6', 'Twin', 7, 6),
      ev('USR-01-7', '7', 'Top', 11, 7),
    ]);
    expect(boards.top_teams).toEqual([
      { rnk: 1, team_id: '7', team_name: 'Top', total_score: 11 },
      { rnk: 2, team_id: '3', team_name: 'Zebra', total_score: 10 },
      { rnk: 3, team_id: '4', team_name: 'alpha', total_score: 10 },
      { rnk: 4, team_id: '2', team_name: '\uff21-Wide', total_score: 10 },
      { rnk: 5, team_id: '1', team_name: '🔥-Fire', total_score: 10 },
      { rnk: 6, team_id: '5', team_name: 'Twin', total_score: 7 },
      { rnk: 7, team_id: '6', team_name: 'Twin', total_score: 7 },
    ]);
  });

  it('keeps the top 10 of 12 teams', () => {
    const events = Array.from({ length: 12 }, (_, i) => ev(`USR-01-${i}`, `${i}`, `Team-${i}`, i, i));
    const top = computeLeaderboards(events).top_teams;
    expect(top.map((r) => r.total_score)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    expect(top.map((r) => r.rnk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('names a team by its greatest team_name in UTF-8 order, whatever the arrival order', () => {
    const a = ev('USR-01-9', '9', 'Old-Name', 1, 0);
    const b = ev('USR-02-9', '9', 'New-Name', 1, 1);
    expect(computeLeaderboards([a, b]).top_teams[0].team_name).toBe('Old-Name');
    expect(computeLeaderboards([b, a]).top_teams[0].team_name).toBe('Old-Name');
  });

  it('passes unicode and HTML names through unchanged', () => {
    const name = '<script>alert("x")</script> & Zürich 東京';
    expect(computeLeaderboards([ev('USR-01-8', '8', name, 3, 0)]).top_teams[0].team_name).toBe(name);
  });
});

describe('Top Players', () => {
  it('ranks by total desc, then user_id in UTF-8 order; robots are players', () => {
    const boards = computeLeaderboards([
      ev('USR-01-1', '1', 'A', 5, 0),
      ev('RBT-07-1', '1', 'A', 3, 1),
      ev('RBT-07-1', '1', 'A', 2, 2),
      ev('usr-01-1', '1', 'A', 5, 3),
      ev('USR-é-1', '1', 'A', 5, 4),
      ev('USR-z-1', '1', 'A', 5, 5),
      ev('USR-02-2', '2', 'B', 9, 6),
    ]);
    expect(boards.top_players).toEqual([
      { rnk: 1, user_id: 'USR-02-2', team_name: 'B', total_score: 9 },
      { rnk: 2, user_id: 'RBT-07-1', team_name: 'A', total_score: 5 },
      { rnk: 3, user_id: 'USR-01-1', team_name: 'A', total_score: 5 },
      { rnk: 4, user_id: 'USR-z-1', team_name: 'A', total_score: 5 },
      { rnk: 5, user_id: 'USR-é-1', team_name: 'A', total_score: 5 },
      { rnk: 6, user_id: 'usr-01-1', team_name: 'A', total_score: 5 },
    ]);
  });

  it('sums negative scores and late events alike', () => {
    const boards = computeLeaderboards([ev('U1', '1', 'A', 10, 600), ev('U1', '1', 'A', -3, 0), ev('U2', '1', 'A', 8, 1)]);
    expect(boards.top_players.map((r) => [r.user_id, r.total_score])).toEqual([
      ['U2', 8],
      ['U1', 7],
    ]);
  });
});

describe('Team MVPs', () => {
  it('picks the top contributor per team (ties: user_id asc), ranks by share desc then team_name', () => {
    const boards = computeLeaderboards([
      // Team 1 "Beta": total 20, USR-b and RBT-a tie at 8 (40 %): RBT-a wins on user_id.
      ev('USR-b', '1', 'Beta', 8, 0),
      ev('RBT-a', '1', 'Beta', 8, 1),
      ev('USR-c', '1', 'Beta', 4, 2),
      // Team 2 "Alpha": total 10, USR-d 4 (40 %): ties Beta's share, Alpha first by name.
      ev('USR-d', '2', 'Alpha', 4, 3),
      ev('USR-e', '2', 'Alpha', 3, 4),
      ev('USR-f', '2', 'Alpha', 3, 5),
      // Team 3: a lone player, 100 %.
      ev('USR-g', '3', 'Gamma', 2, 6),
    ]);
    expect(boards.team_mvps).toEqual([
      { rnk: 1, user_id: 'USR-g', team_name: 'Gamma', player_total: 2, team_total: 2, contrib_ratio: 1 },
      { rnk: 2, user_id: 'USR-d', team_name: 'Alpha', player_total: 4, team_total: 10, contrib_ratio: 0.4 },
      { rnk: 3, user_id: 'RBT-a', team_name: 'Beta', player_total: 8, team_total: 20, contrib_ratio: 0.4 },
    ]);
  });

  it('follows a team whose leader changes', () => {
    const early = [ev('USR-1', '1', 'A', 10, 0), ev('USR-2', '1', 'A', 5, 1)];
    expect(computeLeaderboards(early).team_mvps).toEqual([
      { rnk: 1, user_id: 'USR-1', team_name: 'A', player_total: 10, team_total: 15, contrib_ratio: 10 / 15 },
    ]);
    const later = [...early, ev('USR-2', '1', 'A', 7, 2)];
    expect(computeLeaderboards(later).team_mvps).toEqual([
      { rnk: 1, user_id: 'USR-2', team_name: 'A', player_total: 12, team_total: 22, contrib_ratio: 12 / 22 },
    ]);
    expect(computeLeaderboards(later).top_players[0]).toEqual({ rnk: 1, user_id: 'USR-2', team_name: 'A', total_score: 12 });
  });

  it('gives no MVP to a team whose total is 0', () => {
    const boards = computeLeaderboards([
      ev('USR-z1', 'Z', 'Zero', 0, 0),
      ev('USR-z2', 'Z', 'Zero', 0, 1),
      ev('USR-p', 'P', 'PlusMinus', 5, 2),
      ev('USR-m', 'P', 'PlusMinus', -5, 3),
      ev('USR-x', 'X', 'Scored', 1, 4),
    ]);
    expect(boards.team_mvps.map((r) => r.team_name)).toEqual(['Scored']);
    expect(boards.top_teams.map((r) => [r.team_name, r.total_score])).toEqual([
      ['Scored', 1],
      ['PlusMinus', 0],
      ['Zero', 0],
    ]);
  });

  it('with a negative team total, the greatest share is the most negative player total', () => {
    const boards = computeLeaderboards([ev('USR-a', '1', 'Neg', -8, 0), ev('USR-b', '1', 'Neg', -4, 1), ev('USR-c', '1', 'Neg', 2, 2)]);
    expect(boards.team_mvps).toEqual([{ rnk: 1, user_id: 'USR-a', team_name: 'Neg', player_total: -8, team_total: -10, contrib_ratio: 0.8 }]);
  });

  it('counts a player within each team they scored for', () => {
    const boards = computeLeaderboards([ev('USR-a', '1', 'One', 3, 0), ev('USR-a', '2', 'Two', 1, 1), ev('USR-b', '2', 'Two', 2, 2)]);
    expect(boards.team_mvps).toEqual([
      { rnk: 1, user_id: 'USR-a', team_name: 'One', player_total: 3, team_total: 3, contrib_ratio: 1 },
      { rnk: 2, user_id: 'USR-b', team_name: 'Two', player_total: 2, team_total: 3, contrib_ratio: 2 / 3 },
    ]);
  });
});

describe('Hot Streaks', () => {
  it('averages over [t-10 s, t] and [t-60 s, t] of the latest event, bounds inclusive', () => {
    const boards = computeLeaderboards([
      ev('P', '1', 'A', 1000, -0.001), // 60.001 s before the latest: outside both windows
      ev('P', '1', 'A', 10, 0), // exactly 60 s before: in the long window only
      ev('P', '1', 'A', 20, 49.999), // 10.001 s before: long only
      ev('P', '1', 'A', 30, 50), // exactly 10 s before: both
      ev('P', '1', 'A', 40, 60), // the latest
    ]);
    // short = (30 + 40) / 2 = 35, long = (10 + 20 + 30 + 40) / 4 = 25
    expect(boards.hot_streaks).toEqual([{ rnk: 1, user_id: 'P', short_term_avg: 35, long_term_avg: 25, peak_hotness: 1.4 }]);
  });

  it('ranks by hotness desc, then user_id asc', () => {
    const boards = computeLeaderboards([
      // Q: short 8, long (2 + 8) / 2 = 5, hotness 1.6
      ev('Q', '1', 'A', 2, 0),
      ev('Q', '1', 'A', 8, 30),
      // RBT-R and P: one event each, hotness 1; RBT-R first by user_id
      ev('RBT-R', '1', 'A', 5, 10),
      ev('P', '1', 'A', 7, 20),
      // S: short 1, long (9 + 1) / 2 = 5, hotness 0.2
      ev('S', '1', 'A', 9, 0),
      ev('S', '1', 'A', 1, 40),
    ]);
    expect(boards.hot_streaks.map((r) => [r.rnk, r.user_id, r.peak_hotness])).toEqual([
      [1, 'Q', 1.6],
      [2, 'P', 1],
      [3, 'RBT-R', 1],
      [4, 'S', 0.2],
    ]);
  });

  it('does not rank a player whose long-term average is 0', () => {
    const boards = computeLeaderboards([
      ev('Zero', '1', 'A', 0, 0),
      ev('Zero', '1', 'A', 0, 5),
      ev('Even', '1', 'A', 3, 0),
      ev('Even', '1', 'A', -3, 30),
      // Old scores no longer count: only the last 60 s do.
      ev('Faded', '1', 'A', 50, 0),
      ev('Faded', '1', 'A', 0, 61),
      ev('Hot', '1', 'A', 4, 0),
    ]);
    expect(boards.hot_streaks.map((r) => r.user_id)).toEqual(['Hot']);
  });

  it('takes the latest event by event time, not by arrival: out-of-order and late events fit in by time', () => {
    const inOrder = [ev('P', '1', 'A', 10, 0), ev('P', '1', 'A', 20, 55), ev('P', '1', 'A', 30, 58), ev('P', '1', 'A', 60, 60)];
    const expected = [{ rnk: 1, user_id: 'P', short_term_avg: (20 + 30 + 60) / 3, long_term_avg: 30, peak_hotness: (110 / 3) / 30 }];
    expect(computeLeaderboards(inOrder).hot_streaks).toEqual(expected);
    // Arrival within the 5 s watermark: 58 s after 60 s.
    const outOfOrder = [inOrder[0], inOrder[1], inOrder[3], inOrder[2]];
    expect(computeLeaderboards(outOfOrder).hot_streaks).toEqual(expected);
    // A late event (far behind the watermark) older than the long window of the latest event changes
    // nothing in Hot Streaks but counts in the totals.
    const withLate = [...inOrder, ev('P', '1', 'A', 1000, -300)];
    expect(computeLeaderboards(withLate).hot_streaks).toEqual(expected);
    expect(computeLeaderboards(withLate).top_players[0].total_score).toBe(1120);
  });

  it('ranks only the players hot right now: latest event at or after the game clock\'s minute minus N minutes', () => {
    // The game clock is the latest event time of all (10:30), its minute 10:00; N = 5 keeps players
    // whose latest event is at 5:00 or later. Single events in their windows all have hotness 1.
    const events = [
      ev('Gone', '1', 'A', 9, 299.999),
      ev('Edge', '1', 'A', 3, 300),
      ev('Back', '1', 'A', 50, 0),
      ev('Back', '1', 'A', 5, 400),
      ev('Now', '1', 'A', 4, 630),
    ];
    const ranked = (list: GameEvent[], hotStreakActiveMinutes?: number) => computeLeaderboards(list, { hotStreakActiveMinutes }).hot_streaks.map((r) => r.user_id);
    expect(ranked(events)).toEqual(['Back', 'Edge', 'Now']);
    expect(ranked(events, 1)).toEqual(['Now']);
    // The clock's next minute (11:00) moves the limit to 6:00: Edge leaves.
    expect(ranked([...events, ev('Now', '1', 'A', 4, 660)])).toEqual(['Back', 'Now']);
    // A late event is an event: it brings its player back if it is recent enough.
    expect(ranked([...events, ev('Gone', '1', 'A', 9, 350)])).toEqual(['Back', 'Edge', 'Gone', 'Now']);
  });

  it('treats events at the same time as peers, all in the window', () => {
    const boards = computeLeaderboards([ev('P', '1', 'A', 1, 0), ev('P', '1', 'A', 4, 70), ev('P', '1', 'A', 6, 70)]);
    expect(boards.hot_streaks).toEqual([{ rnk: 1, user_id: 'P', short_term_avg: 5, long_term_avg: 5, peak_hotness: 1 }]);
  });
});

describe('computeLeaderboards', () => {
  it('does not depend on arrival order', () => {
    const events = [
      ev('USR-1', '1', 'A', 5, 0),
      ev('USR-2', '1', 'A', 3, 2),
      ev('USR-1', '1', 'A', 8, 4),
      ev('USR-3', '2', 'B', 9, 1),
      ev('RBT-4', '2', 'B', 1, 3),
    ];
    expect(computeLeaderboards([...events].reverse())).toEqual(computeLeaderboards(events));
  });

  it('rejects a size that is not a positive integer, naming it', () => {
    expect(() => computeLeaderboards([], { size: 0 })).toThrow('size must be a positive integer, got 0');
  });

  it('gives empty boards for no events', () => {
    expect(computeLeaderboards([])).toEqual({ top_teams: [], top_players: [], hot_streaks: [], team_mvps: [], suspected_bots: [] });
  });
});
