/**
 * A deterministic event set for integration tests (issue 3): valid events of 15 teams with robots, a
 * team whose scores are all 0, tied teams and players, unicode and HTML names, out-of-order and late
 * events, and malformed records of every invalid kind the oracle knows.
 *
 * Out of order and late. Normal events of a partition (so of a player) arrive at most
 * OUT_OF_ORDER_MILLIS (< the 5 s watermark bound) behind the latest before them; late events are 5 to
 * 10 minutes behind, far behind the watermark, and more than the long window (60 s) older than their
 * player's latest event. Every board counts every valid event whatever its arrival, so the late ones
 * count in the totals and, being outside the long window, change no Hot Streak (the runner jar's
 * tests cover late events inside it). Each partition ends with a flush event (a zero-team player,
 * score 0) more than 5 s after every other event, which moves the final watermark past everything
 * else; flush players score 0, so they are never ranked in Hot Streaks.
 * Producers must keep each partition's records in array order and honour `partition` where set.
 */
import type { Leaderboards } from '../common/contract';
import { GameEvent, INVALID_KINDS, InvalidKind } from '../oracle/src/game-event';
import { LONG_WINDOW_MILLIS } from '../oracle/src/hot-streaks';
import { computeLeaderboards } from '../oracle/src/leaderboards';

export interface EventSetOptions {
  /** @default 20261126 */
  readonly seed?: number;
  /**
   * Valid events, late ones included, flush events not.
   * @default 20000
   */
  readonly validEvents?: number;
  /** @default 50 */
  readonly malformedPerKind?: number;
  /**
   * One valid event in N is late.
   * @default 50
   */
  readonly lateEvery?: number;
  /**
   * Partitions of the input topic: one flush event goes to each.
   * @default 3
   */
  readonly partitions?: number;
  /** @default 2026-11-26T19:00:00Z */
  readonly startMillis?: number;
}

export interface EventRecord {
  /** user_id (of the intended player, for malformed records). */
  readonly key: string;
  readonly value: string;
  /** Set on flush records only; other records go where the producer's partitioner puts their key. */
  readonly partition?: number;
}

export interface TeamInfo {
  readonly id: string;
  readonly name: string;
}

export interface EventSet {
  /** Every record in production order. */
  readonly records: EventRecord[];
  /** The valid events in production order: what the boards are compared on. */
  readonly valid: GameEvent[];
  /** The valid events without the late ones, in production order. */
  readonly inOrder: GameEvent[];
  readonly late: GameEvent[];
  readonly malformed: Readonly<Record<InvalidKind, number>>;
  readonly teams: readonly TeamInfo[];
  /** The team whose every score is 0 (it has no MVP). */
  readonly zeroTeam: TeamInfo;
}

/** The oracle's boards for an event set. */
export function expectedLeaderboards(set: EventSet): Leaderboards {
  return computeLeaderboards(set.valid);
}

/** Normal events arrive at most this far (event time) behind the latest before them. */
export const OUT_OF_ORDER_MILLIS = 4_000;
const WATERMARK_DELAY_MILLIS = 5_000;
const LATE_MIN_MILLIS = 5 * 60_000;
const LATE_MAX_MILLIS = 10 * 60_000;
const MAX_GAP_MILLIS = 110;

/** Twins get mirrored events (ties in every board); Zero scores 0; Double has two mirrored top players. */
const TEAM_NAMES = [
  'Amber-Koala',
  '\uff21-Twins',
  '🔥-Twins',
  '<script>alert("pwned")</script>',
  'Zürich-Zebras',
  '東京-Tigers',
  "O'Brien & Sons",
  'Zero-Heroes',
  'Double-Trouble',
  'Crimson-Cobra',
  'Émeraude-Aigles',
  'Jade-Jaguar',
  'Navy-Narwhal',
  'Ruby-Raven',
  'Teal-Tapir',
] as const;
const TWIN_A = 1;
const TWIN_B = 2;
const ZERO = 7;
const DOUBLE = 8;
const ROBOT_TEAMS = new Set([TWIN_A, TWIN_B, 3, 9, 12]);
const DOUBLE_PAIR_ROBOT = (teamId: string): string => `RBT-01-${teamId}`;

/** mulberry32: tiny, seedable and identical on every Node version, unlike Math.random. */
class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** FNV-1a (32 bit) of the name's UTF-8 bytes as 10 digits: a fixed-width number derived from the name. */
export function teamIdOf(name: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0).toString().padStart(10, '0');
}

interface Team extends TeamInfo {
  readonly members: readonly string[];
  readonly robot: string | undefined;
}

const twoDigits = (n: number): string => n.toString().padStart(2, '0');

function makeTeams(prng: Prng): Team[] {
  return TEAM_NAMES.map((name, index) => {
    const id = teamIdOf(name);
    // Mirrored teams need the same roster size.
    const size = index === TWIN_B ? 8 : index === TWIN_A ? 8 : prng.between(6, 10);
    const members = Array.from({ length: size }, (_, i) => `USR-${twoDigits(i + 1)}-${id}`);
    return { id, name, members, robot: ROBOT_TEAMS.has(index) ? `RBT-01-${id}` : undefined };
  });
}

const readableTime = (millis: number): string => new Date(millis).toISOString().replace('T', ' ').slice(0, 23);

interface Emitted {
  readonly event: GameEvent;
  readonly type: 'normal' | 'late';
}

/** The contract's JSON, fields in contract order; `override` replaces (or with undefined drops) literals. */
function eventJson(e: GameEvent, type: 'normal' | 'late', override: Record<string, string | undefined> = {}): string {
  const literals: Record<string, string> = {
    user_id: JSON.stringify(e.user_id),
    team_id: JSON.stringify(e.team_id),
    team_name: JSON.stringify(e.team_name),
    score: String(e.score),
    event_time_millis: String(e.event_time_millis),
    readable_time: JSON.stringify(readableTime(e.event_time_millis)),
    event_type: JSON.stringify(type),
  };
  const members = Object.entries(literals)
    .map(([name, literal]): [string, string | undefined] => [name, name in override ? override[name] : literal])
    .filter((m): m is [string, string] => m[1] !== undefined)
    .map(([name, literal]) => `"${name}":${literal}`);
  return `{${members.join(',')}}`;
}

/** The normal events: strictly increasing time (so a player never has two events at one time). */
function normalEvents(prng: Prng, teams: readonly Team[], count: number, start: number): GameEvent[] {
  const events: GameEvent[] = [];
  let time = start;
  const scoreFor = (team: number): number => (team === ZERO ? 0 : team === TWIN_A || team === TWIN_B ? prng.between(40, 100) : prng.between(1, 100));
  const emit = (team: number, userId: string, score: number, gap = prng.between(1, MAX_GAP_MILLIS)): void => {
    time += gap;
    events.push({ user_id: userId, team_id: teams[team].id, team_name: teams[team].name, score, event_time_millis: time });
  };
  while (events.length < count) {
    const pairAllowed = count - events.length >= 2;
    let team = prng.int(teams.length);
    if (!pairAllowed) while (team === TWIN_A || team === TWIN_B || team === DOUBLE) team = prng.int(teams.length);
    const t = teams[team];
    const useRobot = t.robot !== undefined && prng.int(2) === 0;
    const memberIndex = prng.int(t.members.length);
    const score = scoreFor(team);
    if (team === TWIN_A || team === TWIN_B) {
      // The same play for both twins, the second always 1 ms after the first: equal totals, shares
      // and hotness (each twin's windows hold the mirror images of the other's).
      emit(TWIN_A, useRobot ? (teams[TWIN_A].robot as string) : teams[TWIN_A].members[memberIndex], score);
      emit(TWIN_B, useRobot ? (teams[TWIN_B].robot as string) : teams[TWIN_B].members[memberIndex], score, 1);
    } else if (team === DOUBLE && prng.int(2) === 0) {
      emit(team, DOUBLE_PAIR_ROBOT(t.id), score);
      emit(team, t.members[0], score, 1);
    } else if (team === DOUBLE) {
      emit(team, t.members[1 + prng.int(t.members.length - 1)], score);
    } else {
      emit(team, useRobot ? (t.robot as string) : t.members[memberIndex], score);
    }
  }
  return events;
}

/** Swaps some events with a later one less than OUT_OF_ORDER_MILLIS ahead. */
function shuffleWithinWatermark(prng: Prng, events: GameEvent[]): void {
  for (let i = 0; i + 20 < events.length; i++) {
    if (prng.int(40) !== 0) continue;
    const j = i + prng.between(1, 20);
    if (events[j].event_time_millis - events[i].event_time_millis >= OUT_OF_ORDER_MILLIS) continue;
    [events[i], events[j]] = [events[j], events[i]];
    i = j;
  }
}

function lateEvent(prng: Prng, teams: readonly Team[], normal: readonly GameEvent[], position: number, latest: Map<string, number>, taken: Set<string>): GameEvent {
  const now = normal[position].event_time_millis;
  // Mirrored players stay mirrored: late events go to the others.
  const mirrored = new Set([TWIN_A, TWIN_B].map((i) => teams[i].id));
  const double = teams[DOUBLE];
  const players = [...latest.keys()].filter(
    (u) => ![...mirrored].some((id) => u.endsWith(`-${id}`)) && u !== DOUBLE_PAIR_ROBOT(double.id) && u !== double.members[0],
  );
  for (let attempt = 0; attempt < 1000; attempt++) {
    const userId = prng.pick(players);
    const time = now - prng.between(LATE_MIN_MILLIS, LATE_MAX_MILLIS);
    // More than the long window before the player's latest event, and a time the player has not used.
    if ((latest.get(userId) as number) - time <= LONG_WINDOW_MILLIS || taken.has(`${userId}@${time}`)) continue;
    const team = teams.find((t) => userId.endsWith(`-${t.id}`)) as Team;
    taken.add(`${userId}@${time}`);
    return { user_id: userId, team_id: team.id, team_name: team.name, score: team.name === TEAM_NAMES[ZERO] ? 0 : prng.between(1, 100), event_time_millis: time };
  }
  throw new Error(`no player can take a late event at position ${position}`);
}

type Variant = (e: GameEvent) => string;

const field = (name: string, literal: string | undefined): Variant => (e) => eventJson(e, 'normal', { [name]: literal });
const ids = ['user_id', 'team_id', 'team_name'];

/** Ways to break a record, per kind; each is built from a valid event at the current time. */
const MALFORMED: Record<InvalidKind, readonly Variant[]> = {
  bad_json: [
    (e) => eventJson(e, 'normal').slice(0, 30),
    (e) => eventJson(e, 'normal').slice(0, -1),
    (e) => `user ${e.user_id} scored ${e.score}`,
    (e) => eventJson(e, 'normal').replace(/}$/, ',}'),
    (e) => eventJson(e, 'normal').replace(/"/g, "'"),
    () => '',
    field('score', 'NaN'),
    (e) => eventJson(e, 'normal').replace('"user_id":', 'user_id:'),
  ],
  not_object: [(e) => `[${eventJson(e, 'normal')}]`, () => '42', (e) => JSON.stringify(e.user_id), () => 'null', () => 'true', () => '[]'],
  missing_id: ids.map((name) => field(name, undefined)),
  id_not_string: ids.flatMap((name) => ['12345', 'true', 'null', '{"id":"x"}', '["x"]'].map((literal) => field(name, literal))),
  empty_id: ids.map((name) => field(name, '""')),
  missing_score: [field('score', undefined)],
  score_not_integer: ['17.5', '17.0', '1e2', '"17"', 'null', 'true', '{"value":17}', '[17]'].map((literal) => field('score', literal)),
  score_out_of_range: ['2147483648', '-2147483649', '4294967296', '9223372036854775808'].map((literal) => field('score', literal)),
  missing_event_time: [field('event_time_millis', undefined)],
  event_time_not_integer: [
    (e) => eventJson(e, 'normal', { event_time_millis: `${e.event_time_millis}.5` }),
    (e) => eventJson(e, 'normal', { event_time_millis: `${e.event_time_millis}.0` }),
    (e) => eventJson(e, 'normal', { event_time_millis: `${e.event_time_millis / 1000}e3` }),
    (e) => eventJson(e, 'normal', { event_time_millis: `"${e.event_time_millis}"` }),
    (e) => eventJson(e, 'normal', { event_time_millis: JSON.stringify(readableTime(e.event_time_millis)) }),
    field('event_time_millis', 'null'),
    field('event_time_millis', 'false'),
  ],
  event_time_out_of_range: ['9223372036854775808', '-9223372036854775809', '18446744073709551616', '99999999999999999999'].map((literal) =>
    field('event_time_millis', literal),
  ),
};

/**
 * One score-0 event per partition, more than the watermark delay after `maxTime`, from players of a
 * team that never scores (so never ranked): it moves every partition's watermark past all real
 * events, so Flink's event-time operators process every one of them.
 */
export function flushEvents(maxTime: number, partitions: number, zeroTeam: TeamInfo): { event: GameEvent; record: EventRecord }[] {
  return Array.from({ length: partitions }, (_, p) => {
    const event: GameEvent = {
      user_id: `USR-${90 + p}-${zeroTeam.id}`,
      team_id: zeroTeam.id,
      team_name: zeroTeam.name,
      score: 0,
      event_time_millis: maxTime + WATERMARK_DELAY_MILLIS + 1000,
    };
    return { event, record: { key: event.user_id, value: eventJson(event, 'normal'), partition: p } };
  });
}

export function generateEventSet(options: EventSetOptions = {}): EventSet {
  const seed = options.seed ?? 20261126;
  const validEvents = options.validEvents ?? 20_000;
  const malformedPerKind = options.malformedPerKind ?? 50;
  const lateEvery = options.lateEvery ?? 50;
  const partitions = options.partitions ?? 3;
  const start = options.startMillis ?? Date.UTC(2026, 10, 26, 19, 0, 0);
  for (const [name, value, min] of [
    ['validEvents', validEvents, 100],
    ['malformedPerKind', malformedPerKind, 0],
    ['lateEvery', lateEvery, 2],
    ['partitions', partitions, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  if (partitions > 10) throw new RangeError(`partitions must be at most 10 (flush player ids have two digits), got ${partitions}`);

  const prng = new Prng(seed);
  const teams = makeTeams(prng);
  const lateCount = Math.floor(validEvents / lateEvery);
  const normal = normalEvents(prng, teams, validEvents - lateCount, start);
  const latest = new Map<string, number>();
  const taken = new Set<string>();
  for (const e of normal) {
    latest.set(e.user_id, Math.max(latest.get(e.user_id) ?? -Infinity, e.event_time_millis));
    taken.add(`${e.user_id}@${e.event_time_millis}`);
  }
  shuffleWithinWatermark(prng, normal);

  const emitted: Emitted[] = [];
  const latePositions = new Set(Array.from({ length: lateCount }, (_, i) => Math.floor(((i + 0.5) * normal.length) / lateCount)));
  normal.forEach((event, i) => {
    emitted.push({ event, type: 'normal' });
    if (latePositions.has(i)) emitted.push({ event: lateEvent(prng, teams, normal, i, latest, taken), type: 'late' });
  });

  // Malformed records go before randomly chosen valid ones; their times are the latest so far, so
  // even a pipeline that read their time would not move the watermark.
  const malformedAt = new Map<number, Variant[]>();
  for (const kind of INVALID_KINDS) {
    for (let i = 0; i < malformedPerKind; i++) {
      const at = prng.int(emitted.length);
      const list = malformedAt.get(at) ?? [];
      list.push(MALFORMED[kind][i % MALFORMED[kind].length]);
      malformedAt.set(at, list);
    }
  }

  const records: EventRecord[] = [];
  const valid: GameEvent[] = [];
  const inOrder: GameEvent[] = [];
  const late: GameEvent[] = [];
  let maxTime = -Infinity;
  emitted.forEach(({ event, type }, i) => {
    for (const variant of malformedAt.get(i) ?? []) {
      const template = { ...event, event_time_millis: Math.max(maxTime, start) };
      records.push({ key: event.user_id, value: variant(template) });
    }
    records.push({ key: event.user_id, value: eventJson(event, type) });
    valid.push(event);
    if (type === 'late') late.push(event);
    else {
      inOrder.push(event);
      maxTime = Math.max(maxTime, event.event_time_millis);
    }
  });

  const zero = teams[ZERO];
  for (const { event, record } of flushEvents(maxTime, partitions, zero)) {
    records.push(record);
    valid.push(event);
    inOrder.push(event);
  }

  const malformed = Object.fromEntries(INVALID_KINDS.map((k) => [k, malformedPerKind])) as Record<InvalidKind, number>;
  return {
    records,
    valid,
    inOrder,
    late,
    malformed,
    teams: teams.map(({ id, name }) => ({ id, name })),
    zeroTeam: { id: zero.id, name: zero.name },
  };
}
