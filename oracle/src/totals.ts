/**
 * Top Teams, Top Players and Team MVPs: sums over all valid events, whatever their event time or
 * arrival order (the queries are plain GROUP BY aggregations, so late events count).
 */
import type { TeamMvpRow, TopPlayerRow, TopTeamRow } from '../../common/contract';
import type { GameEvent } from './game-event';
import { compareUtf8, maxUtf8 } from './utf8-order';

interface Total {
  total: number;
  /** The greatest team_name (UTF-8 order) seen: deterministic whatever the arrival order. */
  teamName: string;
}

function add(map: Map<string, Total>, key: string, e: GameEvent): void {
  const t = map.get(key);
  if (t === undefined) {
    map.set(key, { total: e.score, teamName: e.team_name });
    return;
  }
  t.total += e.score;
  if (!Number.isSafeInteger(t.total)) throw new RangeError(`total of ${key} exceeds 2^53; the oracle cannot sum it exactly`);
  t.teamName = maxUtf8(t.teamName, e.team_name);
}

export interface Totals {
  readonly teams: ReadonlyMap<string, Total>;
  readonly players: ReadonlyMap<string, Total>;
  /** team_id -> user_id -> the player's total within that team. */
  readonly playersByTeam: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export function totalsOf(events: readonly GameEvent[]): Totals {
  const teams = new Map<string, Total>();
  const players = new Map<string, Total>();
  const playersByTeam = new Map<string, Map<string, number>>();
  for (const e of events) {
    add(teams, e.team_id, e);
    add(players, e.user_id, e);
    let members = playersByTeam.get(e.team_id);
    if (members === undefined) playersByTeam.set(e.team_id, (members = new Map()));
    members.set(e.user_id, (members.get(e.user_id) ?? 0) + e.score);
  }
  return { teams, players, playersByTeam };
}

const ranked = <T>(rows: Omit<T, 'rnk'>[], order: (a: Omit<T, 'rnk'>, b: Omit<T, 'rnk'>) => number, size: number): T[] =>
  rows
    .sort(order)
    .slice(0, size)
    .map((row, i) => ({ rnk: i + 1, ...row }) as T);

/** total_score desc, team_name asc, then team_id asc (only for two teams sharing a name). */
export function topTeams(totals: Totals, size: number): TopTeamRow[] {
  const rows = [...totals.teams].map(([team_id, t]) => ({ team_id, team_name: t.teamName, total_score: t.total }));
  return ranked<TopTeamRow>(
    rows,
    (a, b) => b.total_score - a.total_score || compareUtf8(a.team_name, b.team_name) || compareUtf8(a.team_id, b.team_id),
    size,
  );
}

/** total_score desc, user_id asc; team_name is the greatest name among the player's events. */
export function topPlayers(totals: Totals, size: number): TopPlayerRow[] {
  const rows = [...totals.players].map(([user_id, t]) => ({ user_id, team_name: t.teamName, total_score: t.total }));
  return ranked<TopPlayerRow>(rows, (a, b) => b.total_score - a.total_score || compareUtf8(a.user_id, b.user_id), size);
}

/**
 * Per team with a non-zero total: the player with the greatest share player_total / team_total (ties:
 * user_id asc); MVPs ranked by that share desc, team_name asc, then team_id asc. With a negative team
 * total the greatest share belongs to the most negative player total.
 */
export function teamMvps(totals: Totals, size: number): TeamMvpRow[] {
  const rows: (Omit<TeamMvpRow, 'rnk'> & { team_id: string })[] = [];
  for (const [teamId, team] of totals.teams) {
    if (team.total === 0) continue;
    let best: { user_id: string; player_total: number; contrib_ratio: number } | undefined;
    for (const [userId, playerTotal] of totals.playersByTeam.get(teamId) ?? []) {
      const ratio = playerTotal / team.total;
      if (best === undefined || ratio > best.contrib_ratio || (ratio === best.contrib_ratio && compareUtf8(userId, best.user_id) < 0)) {
        best = { user_id: userId, player_total: playerTotal, contrib_ratio: ratio };
      }
    }
    if (best === undefined) continue;
    rows.push({ team_id: teamId, user_id: best.user_id, team_name: team.teamName, player_total: best.player_total, team_total: team.total, contrib_ratio: best.contrib_ratio });
  }
  rows.sort(
    (a, b) =>
      (b.contrib_ratio > a.contrib_ratio ? 1 : b.contrib_ratio < a.contrib_ratio ? -1 : 0) ||
      compareUtf8(a.team_name, b.team_name) ||
      compareUtf8(a.team_id, b.team_id),
  );
  return rows.slice(0, size).map(({ team_id: _teamId, ...row }, i) => ({ rnk: i + 1, ...row }));
}
