/**
 * Suspected Bots in the oracle: the rule on hand cases, and how well it finds the injector's robots
 * (precision and recall over 12 hours of its default game, every 10 minutes of event time), and that it
 * flags no one in a game without robots.
 */
import { SUSPECTED_BOT_RULE, SuspectedBotRule } from '../../common/contract';
import { injectorStream } from '../../test-support/injector-stream';
import type { GameEvent } from '../src/game-event';
import { clockMinute, minuteOf } from '../src/game-clock';
import { flaggedPlayers, suspectedBots } from '../src/suspected-bots';

const MINUTE = 60_000;
const rule: SuspectedBotRule = { windowMinutes: 5, minEvents: 10, minPeers: 3, ratio: 3 };

/** `count` events of one player, one a second from `from`. */
const play = (user: string, team: string, count: number, from: number, teamName = `Team-${team}`): GameEvent[] =>
  Array.from({ length: count }, (_, i) => ({ user_id: user, team_id: team, team_name: teamName, score: 1, event_time_millis: from + i * 1000 }));

describe('suspectedBots', () => {
  const start = 1_000 * MINUTE;

  it('flags a player at ratio x the mean of the team\'s other active players, leaving their own events out of the mean', () => {
    const events = [...play('bot', 'A', 30, start), ...play('h1', 'A', 10, start), ...play('h2', 'A', 10, start), ...play('h3', 'A', 10, start)];
    expect(suspectedBots(events, 10, rule)).toEqual([{ rnk: 1, user_id: 'bot', team_name: 'Team-A', window_events: 30, peer_mean: 10, ratio: 3 }]);
    // One event fewer and the ratio is under 3.
    expect(suspectedBots(events.slice(1), 10, rule)).toEqual([]);
  });

  it('needs minEvents events and minPeers active peers', () => {
    const few = [...play('bot', 'A', 9, start), ...play('h1', 'A', 1, start), ...play('h2', 'A', 1, start), ...play('h3', 'A', 1, start)];
    expect(suspectedBots(few, 10, rule)).toEqual([]);
    const twoPeers = [...play('bot', 'A', 40, start), ...play('h1', 'A', 2, start), ...play('h2', 'A', 2, start)];
    expect(suspectedBots(twoPeers, 10, rule)).toEqual([]);
    expect(suspectedBots(twoPeers, 10, { ...rule, minPeers: 2 })).toHaveLength(1);
  });

  it('counts only the clock\'s minute and the windowMinutes before it, the clock being the latest event of any team', () => {
    const old = [...play('bot', 'A', 30, start), ...play('h1', 'A', 3, start), ...play('h2', 'A', 3, start), ...play('h3', 'A', 3, start)];
    // Another team moves the clock: A's events (all in minute `start`) leave the window once the clock is 6 minutes on.
    const at = (minutes: number): GameEvent => ({ user_id: 'x', team_id: 'B', team_name: 'B', score: 1, event_time_millis: minuteOf(start) * MINUTE + minutes * MINUTE });
    expect(suspectedBots([...old, at(5)], 10, rule)).toHaveLength(1);
    expect(suspectedBots([...old, at(6)], 10, rule)).toEqual([]);
  });

  it('keeps late events inside the window and the result independent of arrival order', () => {
    const events = [...play('bot', 'A', 30, start + 4 * MINUTE), ...play('h1', 'A', 10, start), ...play('h2', 'A', 10, start), ...play('h3', 'A', 10, start)];
    const expected = suspectedBots(events, 10, rule);
    expect(expected).toHaveLength(1);
    expect(suspectedBots([...events].reverse(), 10, rule)).toEqual(expected);
  });

  it('ranks by ratio desc, then user_id, then team_id; one user in two teams is two rows; the team name is its greatest', () => {
    const team = (id: string, bot: string, botEvents: number, name = `Team-${id}`): GameEvent[] => [
      ...play(bot, id, botEvents, start, name),
      ...['h1', 'h2', 'h3'].flatMap((h) => play(`${h}-${id}`, id, 10, start, name)),
    ];
    const events = [...team('A', 'zed', 40), ...team('B', 'amy', 40), ...team('C', 'amy', 40), ...team('D', 'bob', 60), ...play('h9-D', 'D', 1, start, 'Team-D-later')];
    const rows = suspectedBots(events, 10, rule);
    expect(rows.map((r) => [r.rnk, r.user_id, r.team_name])).toEqual([
      [1, 'bob', 'Team-D-later'],
      [2, 'amy', 'Team-B'],
      [3, 'amy', 'Team-C'],
      [4, 'zed', 'Team-A'],
    ]);
    expect(rows[0].ratio).toBe((60 * 4) / 31);
    expect(suspectedBots(events, 2, rule)).toHaveLength(2);
  });
});

describe('Suspected Bots on the injector\'s game', () => {
  const EVERY_MILLIS = 10 * MINUTE;
  /** Recall counts every robot with this many events in the window, fewer than the rule needs. */
  const ROBOT_EVENTS = 10;

  /** The flagged players and the robots with ROBOT_EVENTS in the window, every 10 minutes of arrival. */
  function evaluate(flags: readonly string[]): { flagged: number; truePositives: number; robotsEligible: number; robotsFound: number } {
    const stream = injectorStream(flags, 12);
    const totals = { flagged: 0, truePositives: 0, robotsEligible: 0, robotsFound: 0 };
    let next = stream.startMillis + EVERY_MILLIS;
    for (let i = 0; i < stream.events.length; i++) {
      if (stream.arrivals[i] < next) continue;
      next += EVERY_MILLIS;
      const events = stream.events.slice(0, i);
      const flagged = flaggedPlayers(events, SUSPECTED_BOT_RULE);
      totals.flagged += flagged.length;
      totals.truePositives += flagged.filter((f) => f.user_id.startsWith('RBT-')).length;
      const from = clockMinute(events) - SUSPECTED_BOT_RULE.windowMinutes;
      const robotCounts = new Map<string, number>();
      for (const e of events) {
        if (e.user_id.startsWith('RBT-') && minuteOf(e.event_time_millis) >= from) robotCounts.set(`${e.team_id}/${e.user_id}`, (robotCounts.get(`${e.team_id}/${e.user_id}`) ?? 0) + 1);
      }
      const eligible = [...robotCounts].filter(([, n]) => n >= ROBOT_EVENTS).map(([key]) => key);
      const found = new Set(flagged.map((f) => `${f.team_id}/${f.user_id}`));
      totals.robotsEligible += eligible.length;
      totals.robotsFound += eligible.filter((key) => found.has(key)).length;
    }
    return totals;
  }

  it('finds the robots of 12 hours of the default game with high precision and recall', () => {
    const t = evaluate(['--clock', 'synthetic', '--seed', '20261202', '--avg-qps', '5', '--late-event-rate', '50']);
    const precision = t.truePositives / t.flagged;
    const recall = t.robotsFound / t.robotsEligible;
    process.stderr.write(`${JSON.stringify({ msg: 'suspected bots on 12 h of the default game, every 10 min', ...t, precision, recall })}\n`);
    expect(t.robotsEligible).toBeGreaterThan(100);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('flags no one in 12 hours of a game without robots', () => {
    const t = evaluate(['--clock', 'synthetic', '--seed', '20261202', '--avg-qps', '5', '--late-event-rate', '50', '--robot-probability', '0']);
    expect(t).toEqual({ flagged: 0, truePositives: 0, robotsEligible: 0, robotsFound: 0 });
  }, 120_000);
});
