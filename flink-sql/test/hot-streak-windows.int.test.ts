/**
 * The runner jar's `hot_streak_windows` aggregate (what hot_streaks.sql ranks) against the oracle's
 * Hot Streaks: the same averages, bit for bit, for every player, whatever the arrival order: sorted,
 * reversed and shuffled events, peers at one time, late events inside and outside the long window.
 */
import { GameEvent } from '../../oracle/src/game-event';
import { LONG_WINDOW_MILLIS, SHORT_WINDOW_MILLIS, hotStreaks } from '../../oracle/src/hot-streaks';
import { flinkCheck, runRunner } from '../../test-support/flink';
import { describeWith } from '../../test-support/prerequisites';

interface Averages { short_term_avg: number; long_term_avg: number }

/** The Java aggregate over `events` in this arrival order, per player with a non-zero long average (as the SQL filters). */
function javaAverages(events: readonly GameEvent[]): Map<string, Averages> {
  const r = runRunner([String(SHORT_WINDOW_MILLIS), String(LONG_WINDOW_MILLIS)], {
    main: 'leaderboard.sqlrunner.functions.HotStreakWindows',
    input: events.map((e) => `${e.user_id} ${e.score} ${e.event_time_millis}`).join('\n') + '\n',
  });
  if (r.status !== 0) throw new Error(`HotStreakWindows exited ${r.status}: ${r.stderr}`);
  const result = new Map<string, Averages>();
  for (const line of r.stdout.trim().split('\n')) {
    const [user, short, long] = line.split(' ');
    if (Number(long) !== 0) result.set(user, { short_term_avg: Number(short), long_term_avg: Number(long) });
  }
  return result;
}

/** Every player's, active or not: the aggregate knows no game clock (the SQL's join applies it). */
function oracleAverages(events: readonly GameEvent[]): Map<string, Averages> {
  return new Map(hotStreaks(events, events.length, Infinity).map((r) => [r.user_id, { short_term_avg: r.short_term_avg, long_term_avg: r.long_term_avg }]));
}

/** A small deterministic generator (the tests need reproducible orders, not good randomness). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const event = (user: string, score: number, time: number): GameEvent => ({ user_id: user, team_id: '1', team_name: 'T', score, event_time_millis: time });

describeWith([flinkCheck])('hot_streak_windows (runner jar) against the oracle', () => {
  it('counts peers at the latest time, keeps late events inside the long window, drops those before it', () => {
    const events = [
      event('P', 10, 100_000),
      event('P', 2, 100_000),
      event('P', 7, 95_000),
      // Late: after the latest, inside the long window (an OVER window would have dropped it).
      event('P', 50, 45_000),
      // Late and more than the long window before the latest: never counts.
      event('P', 99, 39_999),
      event('Z', 0, 5_000),
      event('Z', 0, 6_000),
    ];
    const java = javaAverages(events);
    expect(java).toEqual(oracleAverages(events));
    expect(java.get('P')).toEqual({ short_term_avg: 19 / 3, long_term_avg: 69 / 4 });
    expect(java.has('Z')).toBe(false);
  });

  it('gives the oracle\'s averages for 2,000 events of 40 players in sorted, reversed and shuffled orders', () => {
    const random = lcg(20261202);
    const events: GameEvent[] = [];
    for (let i = 0; i < 2_000; i++) {
      // Times on a coarse grid, so peers and window bounds (exactly 10 s and 60 s back) are common.
      events.push(event(`USR-${Math.floor(random() * 40)}`, Math.floor(random() * 106) - 5, Math.floor(random() * 600) * 500));
    }
    const expected = oracleAverages(events);
    expect(expected.size).toBeGreaterThan(30);
    const sorted = [...events].sort((a, b) => a.event_time_millis - b.event_time_millis);
    const shuffled = [...events];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    for (const order of [events, sorted, [...sorted].reverse(), shuffled]) expect(javaAverages(order)).toEqual(expected);
  }, 120_000);
});
