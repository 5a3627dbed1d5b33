/**
 * The runner jar's `team_window_counts` aggregate and `suspected_bots` table function (what
 * suspected_bots.sql ranks) against the oracle: the same flagged players with the same values, bit
 * for bit, whatever the arrival order, with late events inside and outside the window.
 */
import { SUSPECTED_BOT_RULE } from '../../common/contract';
import { clockMinute } from '../../oracle/src/game-clock';
import { GameEvent } from '../../oracle/src/game-event';
import { flaggedPlayers } from '../../oracle/src/suspected-bots';
import { flinkCheck, runRunner } from '../../test-support/flink';
import { injectorStream } from '../../test-support/injector-stream';
import { describeWith } from '../../test-support/prerequisites';

const { windowMinutes, minEvents, minPeers, ratio } = SUSPECTED_BOT_RULE;

/** The Java functions over `events` in this arrival order, as `team user n mean ratio` lines, sorted. */
function javaFlagged(events: readonly GameEvent[]): string[] {
  const r = runRunner([String(clockMinute(events)), String(windowMinutes), String(minEvents), String(minPeers), String(ratio)], {
    main: 'leaderboard.sqlrunner.functions.SuspectedBots',
    input: events.map((e) => `${e.team_id} ${e.user_id} ${e.event_time_millis}`).join('\n') + '\n',
  });
  if (r.status !== 0) throw new Error(`SuspectedBots exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter((l) => l !== '').sort();
}

const oracleFlagged = (events: readonly GameEvent[]): string[] =>
  flaggedPlayers(events, SUSPECTED_BOT_RULE)
    .map((f) => `${f.team_id} ${f.user_id} ${f.window_events} ${javaDouble(f.peer_mean)} ${javaDouble(f.ratio)}`)
    .sort();

/** Java's Double.toString for the values here: integral doubles keep a ".0". */
const javaDouble = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

describeWith([flinkCheck])('team_window_counts and suspected_bots (runner jar) against the oracle', () => {
  it('flags the oracle\'s players in 2 hours of the injector\'s game, in arrival order, reversed and sorted by event time', () => {
    const { events } = injectorStream(['--clock', 'synthetic', '--seed', '7', '--avg-qps', '5', '--late-event-rate', '20'], 2);
    const expected = oracleFlagged(events);
    expect(expected.length).toBeGreaterThan(0);
    const late = [...events].sort((a, b) => a.event_time_millis - b.event_time_millis);
    for (const order of [events, [...events].reverse(), late]) expect(javaFlagged(order)).toEqual(expected);
  }, 120_000);
});
