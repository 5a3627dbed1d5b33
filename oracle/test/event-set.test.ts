import { expectedLeaderboards, generateEventSet, OUT_OF_ORDER_MILLIS } from '../../test-support/event-set';
import { computeLeaderboards } from '../src/leaderboards';
import { GameEvent, INVALID_KINDS, InvalidKind, isInvalid } from '../src/game-event';
import { LONG_WINDOW_MILLIS } from '../src/hot-streaks';
import { parseEvent } from '../src/parse-event';

const set = generateEventSet();
const parsed = set.records.map((r) => ({ record: r, result: parseEvent(r.value) }));

describe('generateEventSet', () => {
  it('is deterministic for a seed and differs for another', () => {
    expect(generateEventSet().records).toEqual(set.records);
    expect(generateEventSet({ seed: 7 }).records).not.toEqual(set.records);
  });

  it('has at least 20,000 valid events, exactly those the oracle accepts, in production order', () => {
    const valid = parsed.map((p) => p.result).filter((r): r is GameEvent => !isInvalid(r));
    expect(valid).toEqual(set.valid);
    expect(valid.length).toBeGreaterThanOrEqual(20_000);
  });

  it('has the stated number of malformed records of every invalid kind', () => {
    const counts = Object.fromEntries(INVALID_KINDS.map((k) => [k, 0])) as Record<InvalidKind, number>;
    for (const { result } of parsed) if (isInvalid(result)) counts[result.invalid]++;
    expect(counts).toEqual(set.malformed);
    for (const kind of INVALID_KINDS) expect(counts[kind]).toBeGreaterThanOrEqual(50);
  });

  it('covers the tricky shapes of each kind: non-JSON lines, numeric strings, 17.0, no event time', () => {
    const values = (kind: InvalidKind): string[] => parsed.filter((p) => isInvalid(p.result) && p.result.invalid === kind).map((p) => p.record.value);
    expect(values('bad_json')).toContain('');
    expect(values('bad_json').some((v) => v.startsWith('user '))).toBe(true);
    expect(values('score_not_integer').some((v) => v.includes('"score":17.0,'))).toBe(true);
    expect(values('score_not_integer').some((v) => v.includes('"score":"17",'))).toBe(true);
    expect(values('missing_event_time').every((v) => !v.includes('event_time_millis'))).toBe(true);
    expect(values('id_not_string').some((v) => v.includes('"user_id":12345'))).toBe(true);
  });

  it('keys every record by user_id and writes the contract JSON for valid events', () => {
    const validRecords = parsed.filter((p) => !isInvalid(p.result));
    expect(validRecords.filter(({ record, result }) => record.key !== (result as GameEvent).user_id)).toEqual([]);
    const shapes = new Set(validRecords.map(({ record }) => Object.keys(JSON.parse(record.value)).join(',')));
    expect([...shapes]).toEqual(['user_id,team_id,team_name,score,event_time_millis,readable_time,event_type']);
    const first = JSON.parse(set.records.find((r) => !isInvalid(parseEvent(r.value)))!.value);
    expect(first.readable_time).toBe(new Date(first.event_time_millis).toISOString().replace('T', ' ').slice(0, 23));
  });

  it('has 15 teams with one name each, robots, unicode and HTML names, and a team scoring only 0', () => {
    expect(set.teams).toHaveLength(15);
    const namesById = new Map<string, Set<string>>();
    for (const e of set.valid) namesById.set(e.team_id, (namesById.get(e.team_id) ?? new Set()).add(e.team_name));
    expect(namesById.size).toBe(15);
    for (const names of namesById.values()) expect(names.size).toBe(1);
    expect(set.valid.some((e) => e.user_id.startsWith('RBT-'))).toBe(true);
    expect(set.teams.some((t) => t.name.includes('<script>'))).toBe(true);
    expect(set.teams.some((t) => /[^\x00-\x7f]/.test(t.name))).toBe(true);
    const zero = set.valid.filter((e) => e.team_id === set.zeroTeam.id);
    expect(zero.length).toBeGreaterThan(100);
    expect(zero.every((e) => e.score === 0)).toBe(true);
  });

  it('flags late events in the JSON and keeps each more than the long window before its player\'s latest event', () => {
    expect(set.late.length).toBeGreaterThanOrEqual(100);
    const lateValues = new Set(set.late);
    const latest = new Map<string, number>();
    for (const e of set.inOrder) latest.set(e.user_id, Math.max(latest.get(e.user_id) ?? -Infinity, e.event_time_millis));
    expect(set.late.filter((e) => latest.get(e.user_id)! - e.event_time_millis <= LONG_WINDOW_MILLIS)).toEqual([]);
    expect(set.inOrder.filter((e) => lateValues.has(e))).toEqual([]);
    const lateInJson = set.records.filter((r) => !isInvalid(parseEvent(r.value)) && JSON.parse(r.value).event_type === 'late');
    expect(lateInJson).toHaveLength(set.late.length);
  });

  it('sends in-order events at most OUT_OF_ORDER_MILLIS behind the latest before them, some behind', () => {
    let max = -Infinity;
    let behind = 0;
    let worst = 0;
    for (const e of set.inOrder) {
      worst = Math.max(worst, max - e.event_time_millis);
      if (e.event_time_millis < max) behind++;
      max = Math.max(max, e.event_time_millis);
    }
    expect(worst).toBeLessThan(OUT_OF_ORDER_MILLIS);
    expect(behind).toBeGreaterThan(100);
  });

  it('never gives a player two events at one time', () => {
    const seen = new Set(set.valid.map((e) => `${e.user_id}@${e.event_time_millis}`));
    expect(seen.size).toBe(set.valid.length);
  });

  it('ends every partition with a score-0 flush event more than 5 s after all others', () => {
    const flush = set.records.slice(-3);
    expect(flush.map((r) => r.partition)).toEqual([0, 1, 2]);
    expect(set.records.slice(0, -3).every((r) => r.partition === undefined)).toBe(true);
    const flushTime = (parseEvent(flush[0].value) as GameEvent).event_time_millis;
    for (const r of flush) expect(parseEvent(r.value)).toMatchObject({ score: 0, team_id: set.zeroTeam.id });
    const lastOther = Math.max(...set.valid.slice(0, -3).map((e) => e.event_time_millis));
    expect(flushTime - lastOther).toBeGreaterThan(5_000);
  });

  it('has late events that change no Hot Streak: the board over the in-order events is the same', () => {
    expect(computeLeaderboards(set.inOrder).hot_streaks).toEqual(expectedLeaderboards(set).hot_streaks);
  });

  it('fills every board (Suspected Bots: its flagged players), with ties that exercise each tie-breaker', () => {
    const boards = expectedLeaderboards(set);
    const tied = <T>(rows: T[], key: (r: T) => unknown): boolean => rows.some((r, i) => i > 0 && key(r) === key(rows[i - 1]));
    const { suspected_bots: bots, ...full } = boards;
    for (const board of Object.values(full)) expect(board).toHaveLength(10);
    // The robots of the last minutes, and the Double team's human who mirrors its robot.
    expect(bots.length).toBeGreaterThanOrEqual(5);
    expect(bots.filter((r) => !r.user_id.startsWith('RBT-')).map((r) => r.team_name)).toEqual(['Double-Trouble']);
    expect(tied(bots, (r) => r.ratio)).toBe(true);
    expect(tied(boards.top_teams, (r) => r.total_score)).toBe(true);
    expect(tied(boards.top_players, (r) => r.total_score)).toBe(true);
    expect(tied(boards.team_mvps, (r) => r.contrib_ratio)).toBe(true);
    // Twin teams tie; their names differ in UTF-8 and UTF-16 order.
    expect(boards.top_teams.slice(0, 2).map((r) => r.team_name)).toEqual(['\uff21-Twins', '🔥-Twins']);
    // A team whose two top players tie: the MVP is the smaller user_id.
    const double = boards.team_mvps.find((r) => r.team_name === 'Double-Trouble')!;
    expect(double.user_id.startsWith('RBT-')).toBe(true);
    expect(boards.top_players.filter((r) => r.team_name === 'Double-Trouble').map((r) => r.total_score)).toEqual([double.player_total, double.player_total]);
    expect(boards.team_mvps.some((r) => r.team_name === set.zeroTeam.name)).toBe(false);
  });

  it('rejects bad options, naming them', () => {
    expect(() => generateEventSet({ validEvents: 10 })).toThrow('validEvents must be an integer >= 100, got 10');
    expect(() => generateEventSet({ partitions: 11 })).toThrow('partitions must be at most 10');
  });
});
