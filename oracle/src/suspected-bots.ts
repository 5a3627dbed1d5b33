/**
 * Suspected Bots (flink-sql/sql/suspected_bots.sql states the rule). The window is the clock's minute and the
 * `windowMinutes` before it. Per team (team_id), a player's count n is their events with a minute in
 * the window; the peers are the team's other players with an event in the window. Flagged: n >=
 * minEvents, peers >= minPeers and n x peers >= ratio x (the peers' events). Ranked by ratio = n /
 * (peers' mean) desc, then user_id asc, then team_id asc.
 */
import type { SuspectedBotRow, SuspectedBotRule } from '../../common/contract';
import type { GameEvent } from './game-event';
import { clockMinute, minuteOf } from './game-clock';
import { compareUtf8, maxUtf8 } from './utf8-order';

interface Flagged extends Omit<SuspectedBotRow, 'rnk'> {
  readonly team_id: string;
}

/** Every flagged player, unranked and unlimited: the board is its first `size` rows by rank order. */
export function flaggedPlayers(events: readonly GameEvent[], rule: SuspectedBotRule): Flagged[] {
  const from = clockMinute(events) - rule.windowMinutes;
  const teams = new Map<string, { name: string; counts: Map<string, number>; total: number }>();
  for (const e of events) {
    let team = teams.get(e.team_id);
    if (team === undefined) teams.set(e.team_id, (team = { name: e.team_name, counts: new Map(), total: 0 }));
    // The team's greatest name seen, as on every board.
    team.name = maxUtf8(team.name, e.team_name);
    if (minuteOf(e.event_time_millis) < from) continue;
    team.counts.set(e.user_id, (team.counts.get(e.user_id) ?? 0) + 1);
    team.total++;
  }
  const flagged: Flagged[] = [];
  for (const [teamId, team] of teams) {
    const peers = team.counts.size - 1;
    if (peers < rule.minPeers) continue;
    for (const [userId, n] of team.counts) {
      const peerSum = team.total - n;
      if (n >= rule.minEvents && n * peers >= rule.ratio * peerSum) {
        flagged.push({ team_id: teamId, user_id: userId, team_name: team.name, window_events: n, peer_mean: peerSum / peers, ratio: (n * peers) / peerSum });
      }
    }
  }
  return flagged;
}

export function suspectedBots(events: readonly GameEvent[], size: number, rule: SuspectedBotRule): SuspectedBotRow[] {
  return flaggedPlayers(events, rule)
    .sort((a, b) => b.ratio - a.ratio || compareUtf8(a.user_id, b.user_id) || compareUtf8(a.team_id, b.team_id))
    .slice(0, size)
    .map((r, i) => ({ rnk: i + 1, user_id: r.user_id, team_name: r.team_name, window_events: r.window_events, peer_mean: r.peer_mean, ratio: r.ratio }));
}
