/**
 * The injector's game as a stream of records and the valid events they carry, generated in-process by
 * the injector's own generator and synthetic clock, for tests that run hours of event time in seconds.
 */
import { eventJson } from '../injector/src/events';
import { parseFlags } from '../injector/src/flags';
import { createLogger } from '../injector/src/log';
import { createClock, createGenerator } from '../injector/src/run';
import type { GameEvent } from '../oracle/src/game-event';
import type { KeyedRecord } from './kafka';

export const HOUR_MILLIS = 3_600_000;

export interface Stream {
  readonly records: KeyedRecord[];
  readonly events: GameEvent[];
  /** Arrival clock of each event (event times of late ones lie minutes before it). */
  readonly arrivals: number[];
  readonly startMillis: number;
  /** Team names that started playing more than once. */
  readonly returningNames: number;
}

/** `hours` of the injector's game for these CLI flags (with `--clock synthetic`), generated in-process exactly as its CLI does. */
export function injectorStream(flags: readonly string[], hours: number): Stream {
  const parsed = parseFlags([...flags], {});
  if (parsed.help) throw new Error('unexpected --help');
  const config = parsed.config;
  const clock = createClock(config);
  // How often each name started playing, from the generator's log of replaced teams.
  const started = new Map<string, number>();
  let live = new Set<string>();
  const start = (names: readonly string[]): void => {
    for (const name of names) if (!live.has(name)) started.set(name, (started.get(name) ?? 0) + 1);
    live = new Set(names);
  };
  const logger = createLogger('debug', (line) => {
    const entry = JSON.parse(line) as { msg: string; live?: string[] };
    if (entry.msg === 'teams replaced') start(entry.live ?? []);
  });
  const generator = createGenerator(config, clock.startMillis, logger);
  start(generator.teams.map((t) => t.name));
  const stream: Stream = { records: [], events: [], arrivals: [], startMillis: clock.startMillis, returningNames: 0 };
  for (let at = clock.advance(); at < clock.startMillis + hours * HOUR_MILLIS; at = clock.advance()) {
    const e = generator.next(at);
    stream.records.push({ key: e.userId, value: eventJson(e) });
    stream.events.push({ user_id: e.userId, team_id: e.teamId, team_name: e.teamName, score: e.score, event_time_millis: e.eventTimeMillis });
    stream.arrivals.push(at);
  }
  return { ...stream, returningNames: [...started.values()].filter((n) => n > 1).length };
}
