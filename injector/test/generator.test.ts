import { createHash } from 'node:crypto';
import { RealClock, SyntheticClock } from '../src/clock';
import { EventGenerator, eventJson, GameEvent, LATE_MAX_MILLIS, LATE_MIN_MILLIS, readableTime } from '../src/events';
import { Config, parseFlags } from '../src/flags';
import { ANIMALS, COLOURS, teamIdOf, teamName, TEAM_NAME_COUNT } from '../src/names';
import { Prng } from '../src/prng';
import { createClock, createGenerator } from '../src/run';
import { TeamPool } from '../src/teams';
import { createLogger } from '../src/log';
import { CliResult, runCli } from './cli-harness';

const quiet = createLogger('error', () => {});

function config(argv: string[]): Config {
  const parsed = parseFlags(argv, {});
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.config;
}

/** The events of a synthetic run, generated in-process exactly as the CLI does. */
function events(argv: string[], count: number): GameEvent[] {
  const c = config(['--clock', 'synthetic', ...argv]);
  const clock = createClock(c);
  const generator = createGenerator(c, clock.startMillis, quiet);
  return Array.from({ length: count }, () => generator.next(clock.advance()));
}

/** |observed - expected| within `sigmas` standard deviations of a binomial count. */
function expectBinomial(observed: number, trials: number, p: number, sigmas = 5): void {
  const mean = trials * p;
  const sd = Math.sqrt(trials * p * (1 - p));
  expect(Math.abs(observed - mean)).toBeLessThanOrEqual(sigmas * sd);
}

/** Where two runs' outputs part, with what each logged: a hash mismatch alone cannot be diagnosed. */
function firstDifference(a: CliResult, b: CliResult): object | undefined {
  const linesA = a.stdout.split('\n');
  const linesB = b.stdout.split('\n');
  const line = linesA.findIndex((l, i) => l !== linesB[i]);
  if (line < 0 && linesA.length === linesB.length) return undefined;
  return { line, a: linesA[line], b: linesB[line], lines: [linesA.length, linesB.length], stderrA: a.stderr, stderrB: b.stderr };
}

describe('determinism', () => {
  it('the same seed gives the same events; another seed gives others', () => {
    const a = events(['--seed', '11', '--late-event-rate', '7'], 20000).map(eventJson);
    const b = events(['--seed', '11', '--late-event-rate', '7'], 20000).map(eventJson);
    const c = events(['--seed', '12', '--late-event-rate', '7'], 20000).map(eventJson);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('the CLI prints byte-identical output for the same seed and flags', async () => {
    const args = ['--output', 'print', '--clock', 'synthetic', '--seed', '5', '--max-events', '30000', '--late-event-rate', '50', '--avg-qps', '200'];
    const [first, second, other] = await Promise.all([runCli(args), runCli(args), runCli([...args.slice(0, 5), '6', ...args.slice(6)])]);
    for (const r of [first, second, other]) expect(r.code).toBe(0);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(first.stdout.split('\n')).toHaveLength(30001);
    expect(firstDifference(first, second)).toBeUndefined();
    expect(sha(first.stdout)).toBe(sha(second.stdout));
    expect(sha(first.stdout)).not.toBe(sha(other.stdout));
    // The in-process generator is the CLI's generator.
    const inProcess = events(['--seed', '5', '--late-event-rate', '50', '--avg-qps', '200'], 30000).map(eventJson);
    expect(first.stdout).toBe(`${inProcess.join('\n')}\n`);
  });
});

describe('ids and the wire format', () => {
  it('derives a distinct fixed-width numeric team id from every team name', () => {
    const ids = new Set<string>();
    for (let i = 0; i < TEAM_NAME_COUNT; i++) ids.add(teamIdOf(teamName(i)));
    expect([...ids].filter((id) => !/^\d{10}$/.test(id))).toEqual([]);
    expect(ids.size).toBe(TEAM_NAME_COUNT);
    expect(TEAM_NAME_COUNT).toBe(COLOURS.length * ANIMALS.length);
    expect(teamIdOf('Amber-Koala')).toBe(teamIdOf('Amber-Koala'));
  });

  it('writes the contract fields in order, user ids embedding the team id, robots as RBT-', () => {
    const sample = events(['--seed', '3', '--robot-probability', '1', '--late-event-rate', '10'], 500);
    let robots = 0;
    for (const e of sample) {
      const json = eventJson(e);
      const parsed = JSON.parse(json) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['user_id', 'team_id', 'team_name', 'score', 'event_time_millis', 'readable_time', 'event_type']);
      expect(parsed.team_id).toBe(teamIdOf(String(parsed.team_name)));
      expect(parsed.team_name).toMatch(/^[A-Z][a-z]+-[A-Z][a-z]+$/);
      expect(parsed.user_id).toMatch(new RegExp(`^(USR|RBT)-\\d{2}-${String(parsed.team_id)}$`));
      expect(Number.isInteger(parsed.score) && Number.isInteger(parsed.event_time_millis)).toBe(true);
      expect(parsed.readable_time).toBe(new Date(Number(parsed.event_time_millis)).toISOString().replace('T', ' ').replace('Z', ''));
      expect(['normal', 'late']).toContain(parsed.event_type);
      if (String(parsed.user_id).startsWith('RBT-')) robots++;
    }
    expect(robots).toBeGreaterThan(0);
  });

  it('formats readable_time in UTC with milliseconds', () => {
    expect(readableTime(1764183600123)).toBe('2025-11-26 19:00:00.123');
    expect(readableTime(1764183600005)).toBe('2025-11-26 19:00:00.005');
    expect(readableTime(0)).toBe('1970-01-01 00:00:00.000');
  });

  it('scores are uniform over [min, max]', () => {
    const sample = events(['--seed', '8', '--min-score', '3', '--max-score', '6'], 40000);
    const counts = new Map<number, number>();
    for (const e of sample) counts.set(e.score, (counts.get(e.score) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6]);
    for (const n of counts.values()) expectBinomial(n, sample.length, 0.25);
  });
});

describe('team lifecycle', () => {
  const options = { numLiveTeams: 10, minMembersPerTeam: 5, maxMembersPerTeam: 15, minTeamLifetimeMinutes: 20, maxTeamLifetimeMinutes: 40, robotProbability: 0 };

  it('keeps the live team count, replaces each team when its 20-40 minute lifetime ends', () => {
    const start = Date.UTC(2026, 0, 1);
    const pool = new TeamPool(options, new Prng(1), start);
    const seen = new Map(pool.live.map((t) => [`${t.name}@${t.createdAtMillis}`, t]));
    let replaced = 0;
    for (let minute = 1; minute <= 600; minute++) {
      const now = start + minute * 60000;
      const gone = pool.expire(now);
      replaced += gone.length;
      for (const t of gone) expect(t.expiresAtMillis).toBeLessThanOrEqual(now);
      expect(pool.live).toHaveLength(10);
      expect(new Set(pool.live.map((t) => t.name)).size).toBe(10);
      for (const t of pool.live) seen.set(`${t.name}@${t.createdAtMillis}`, t);
      expect(pool.live.filter((t) => t.expiresAtMillis <= now)).toEqual([]);
    }
    for (const t of seen.values()) {
      const lifetime = (t.expiresAtMillis - t.createdAtMillis) / 60000;
      expect(lifetime >= 20 && lifetime <= 40).toBe(true);
      expect(t.memberIds.length >= 5 && t.memberIds.length <= 15).toBe(true);
      expect(t.memberIds).toEqual(t.memberIds.map((_, i) => `USR-${String(i + 1).padStart(2, '0')}-${t.id}`));
    }
    expect(seen.size).toBe(10 + replaced);
    // 10 slots over 600 minutes with a mean lifetime of 30 minutes: about 200 replacements.
    expect(replaced).toBeGreaterThan(170);
    expect(replaced).toBeLessThan(230);
  });

  it('events only come from live teams', () => {
    const c = config(['--clock', 'synthetic', '--seed', '4', '--avg-qps', '1', '--min-team-lifetime-minutes', '1', '--max-team-lifetime-minutes', '2']);
    const clock = createClock(c);
    const gen = new EventGenerator(c, new Prng(9), clock.startMillis);
    const teams = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const e = gen.next(clock.advance());
      expect(gen.teams.map((t) => t.id)).toContain(e.teamId);
      teams.add(e.teamId);
    }
    // 3000 s of play with 1-2 minute lifetimes: hundreds of teams came and went.
    expect(teams.size).toBeGreaterThan(200);
  });
});

describe('robots and late events', () => {
  it('one team in N gets a robot, which plays about half of its team\'s events', () => {
    const teamsWithRobot = { n: 0, of: 0 };
    const pool = new TeamPool(
      { numLiveTeams: 1000, minMembersPerTeam: 5, maxMembersPerTeam: 15, minTeamLifetimeMinutes: 20, maxTeamLifetimeMinutes: 40, robotProbability: 4 },
      new Prng(2),
      0,
    );
    for (const t of pool.live) {
      teamsWithRobot.of++;
      if (t.robotId !== undefined) {
        teamsWithRobot.n++;
        expect(t.robotId).toMatch(new RegExp(`^RBT-\\d{2}-${t.id}$`));
      }
    }
    expectBinomial(teamsWithRobot.n, teamsWithRobot.of, 1 / 4);

    let robotEvents = 0;
    let eventsOfRobotTeams = 0;
    const picks = 200000;
    for (let i = 0; i < picks; i++) {
      const { userId, team } = pool.pickPlayer();
      if (team.robotId === undefined) continue;
      eventsOfRobotTeams++;
      if (userId === team.robotId) robotEvents++;
    }
    expectBinomial(robotEvents, eventsOfRobotTeams, 0.5);
  });

  it('every Nth event is late by 5-10 minutes and marked late; no others are', () => {
    const c = config(['--clock', 'synthetic', '--seed', '6', '--late-event-rate', '25', '--avg-qps', '50']);
    const clock = createClock(c);
    const gen = createGenerator(c, clock.startMillis, quiet);
    const wrong: string[] = [];
    for (let i = 1; i <= 10000; i++) {
      const now = clock.advance();
      const e = gen.next(now);
      const lateness = Math.floor(now) - e.eventTimeMillis;
      const ok =
        i % 25 === 0
          ? e.eventType === 'late' && lateness >= LATE_MIN_MILLIS && lateness <= LATE_MAX_MILLIS
          : e.eventType === 'normal' && lateness === 0;
      if (!ok) wrong.push(`event ${i}: ${eventJson(e)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('--robot-probability 0 gives no robots, and by default no event is late', () => {
    const sample = events(['--seed', '1', '--robot-probability', '0'], 20000);
    expect(sample.every((e) => e.userId.startsWith('USR-') && e.eventType === 'normal')).toBe(true);
  });
});

describe('clocks', () => {
  it('the synthetic clock advances at --avg-qps on average, with exponential gaps', () => {
    const qps = 250;
    const n = 200000;
    const clock = new SyntheticClock(1000, qps, new Prng(77));
    let last = 1000;
    let gapsOverMean = 0;
    let backwards = 0;
    for (let i = 0; i < n; i++) {
      const t = clock.advance();
      if (t <= last) backwards++;
      if (t - last > 1000 / qps) gapsOverMean++;
      last = t;
    }
    expect(backwards).toBe(0);
    // n exponential gaps: the total has relative standard deviation 1/sqrt(n) (0.22 %); allow 5 sigma.
    const rate = n / ((last - 1000) / 1000);
    expect(Math.abs(rate - qps) / qps).toBeLessThan(5 / Math.sqrt(n));
    // P(gap > mean) = 1/e for an exponential distribution.
    expectBinomial(gapsOverMean, n, Math.exp(-1));
  });

  it('the real clock schedules arrivals on the wall clock and skips ahead after a stall', () => {
    let wall = 1_000_000;
    const clock = new RealClock(100, new Prng(5), () => wall);
    let t = 0;
    for (let i = 0; i < 1000; i++) {
      t = clock.advance();
      wall = Math.max(wall, t);
    }
    // 1000 arrivals at 100/s: about 10 s.
    expect(Math.abs((wall - 1_000_000) / 1000 - 10)).toBeLessThan(5 * Math.sqrt(1000) / 100);
    expect(clock.skipped).toBe(0);
    wall += 60000;
    t = clock.advance();
    expect(t).toBe(wall);
    expect(clock.skipped).toBeGreaterThan(5000);
  });

  it('the CLI with the real clock paces events at --avg-qps', async () => {
    const result = await runCli(['--output', 'print', '--avg-qps', '400', '--duration', '3', '--seed', '1', '--log-level', 'warn']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    // Poisson count over 3 s at 400/s: mean 1200, sd 35; allow scheduling slack on a busy machine.
    expect(lines.length).toBeGreaterThan(1200 - 5 * 35);
    expect(lines.length).toBeLessThan(1200 + 5 * 35);
    const times = lines.map((l) => (JSON.parse(l) as { event_time_millis: number }).event_time_millis);
    expect(times[times.length - 1] - times[0]).toBeGreaterThan(2500);
  });
});
