/**
 * The checks every real deploy test makes, whatever the target: the sinks equal the oracle on the
 * events actually in `user-score`, the dashboard's API serves the same boards and a browser renders
 * them, and bounded polling with progress while a deployed pipeline settles.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Leaderboards, METRICS } from '../common/contract';
import { compareLeaderboards } from '../oracle/src/compare';
import { GameEvent, isInvalid } from '../oracle/src/game-event';
import { computeLeaderboards } from '../oracle/src/leaderboards';
import { parseEvent } from '../oracle/src/parse-event';
import { screenshot } from './browser';
import { flushEvents, teamIdOf } from './event-set';
import { InputCodec, JSON_INPUT, isValidEvent } from './input-codecs';
import { KafkaAccess, produce, readTopic } from './leaderboard-readers';
import { Check, commandExists } from './prerequisites';
import { PROJECT_IMAGE_NAMES, buildContextDir } from '../constructs/images';

export const cacheRoot = (): string => process.env.LEADERBOARD_CACHE ?? join(homedir(), '.cache', 'leaderboard-stack');

/**
 * The `key=value` lines a set-up script printed into the cache (e.g. `flink-operator.txt`), or none
 * when it has not run.
 */
export function setupOutput(name: string): Record<string, string> {
  const file = join(cacheRoot(), name);
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([\w.]+)=(.+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

/** Stand-in images when the set-up built them (scripts/offline/standin-images.sh), else none (official ones). */
export function standinImagesConfig(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(setupOutput('standin-images.txt'))
      .filter(([key]) => /^images\.\w+$/.test(key))
      .map(([key, image]) => [key.slice('images.'.length), image]),
  );
}

/** Polls `probe` every 3 s until it returns a value, with a progress line every 15 s. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const started = Date.now();
  let lastError = '';
  let lastReport = 0;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
    if (Date.now() - lastReport > 15_000) {
      process.stderr.write(`  [smoke] waiting for ${what} (${Math.round((Date.now() - started) / 1000)}s)\n`);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const nonEmpty = (b: Leaderboards): boolean => Object.values(b).every((rows: unknown[]) => rows.length > 0);

export interface OracleCheck {
  /** Where the test reaches the stack's Kafka. */
  readonly kafka: KafkaAccess;
  readonly inputTopic: string;
  readonly inputPartitions: number;
  /** How many events the finite injector run was told to produce. */
  readonly injectedEvents: number;
  /**
   * How many records in the topic are not valid events (the injector writes none).
   * @default 0
   */
  readonly invalidRecords?: number;
  /**
   * The stack's event format, to read the topic and write the flush events in.
   * @default JSON_INPUT
   */
  readonly input?: InputCodec;
  /** Reads the boards from the stack's sinks. */
  readonly readBoards: () => Promise<Leaderboards>;
  /** What to add to a failure message (e.g. the logs of failed containers or pods). */
  readonly diagnostics: () => string;
  /** Seconds since `started` at which the boards were first all non-empty, and equal to the oracle. */
  readonly timings: Record<string, number>;
  readonly label: string;
  readonly started: number;
}

/**
 * Reads what is actually in the input topic (whatever the producer's delivery guarantees gave), moves
 * the watermark past the injector's last events with flush events, and waits until the sinks equal
 * the oracle over all of them. Returns the expected boards.
 */
export async function expectSinksEqualOracle(check: OracleCheck): Promise<Leaderboards> {
  const input = check.input ?? JSON_INPUT;
  const records = await readTopic(check.kafka, check.inputTopic);
  expect(records.length).toBeGreaterThanOrEqual(check.injectedEvents);
  process.stderr.write(`  [smoke] ${check.label}: ${records.length} records in ${check.inputTopic} for ${check.injectedEvents} injected events\n`);
  const injected = await validEventsIn(records, input);
  expect(records.length - injected.length).toBe(check.invalidRecords ?? 0);
  const maxTime = Math.max(...injected.map((e) => e.event_time_millis));
  const flush = flushEvents(maxTime, check.inputPartitions, { id: teamIdOf('Flush-Zero'), name: 'Flush-Zero' });
  await produce(check.kafka, check.inputTopic, flush.map((f) => ({ ...f.record, value: input.encode(f.record.value) })));
  const expected = computeLeaderboards([...injected, ...flush.map((f) => f.event)]);
  let lastDiff = '';
  try {
    await waitFor('the sinks to equal the oracle', 6 * 60_000, async () => {
      const actual = await check.readBoards();
      if (nonEmpty(actual) && check.timings[`${check.label} boards non-empty`] === undefined) {
        check.timings[`${check.label} boards non-empty`] = (Date.now() - check.started) / 1000;
      }
      lastDiff = compareLeaderboards(expected, actual) ?? '';
      return lastDiff === '' ? true : undefined;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nfirst difference: ${lastDiff}\n${check.diagnostics()}`);
  }
  check.timings[`${check.label} oracle match`] = (Date.now() - check.started) / 1000;
  return expected;
}

/** The valid events among JSON `records` (what the oracle counts; malformed records are skipped). */
export const validEvents = (records: { value: Buffer | null }[]): GameEvent[] =>
  records.map((r) => parseEvent(r.value ?? Buffer.alloc(0))).filter((e): e is GameEvent => !isInvalid(e));

export const maxEventTime = (records: { value: Buffer | null }[]): number => Math.max(...validEvents(records).map((e) => e.event_time_millis));

/** The valid events among `records` written in `input`'s format. */
export async function validEventsIn(records: { value: Buffer | null }[], input: InputCodec): Promise<GameEvent[]> {
  await input.prepare(records.map((r) => r.value));
  return records.map((r) => input.parse(r.value)).filter(isValidEvent);
}

/**
 * Probe `n`: a new Top Players #1 one second after every valid event in the input topic, so that the
 * boards change only if the pipeline runs.
 */
export async function produceProbe(kafka: KafkaAccess, topic: string, n: number): Promise<void> {
  const time = maxEventTime(await readTopic(kafka, topic)) + 1000;
  const name = `Probe-${n}`;
  const id = teamIdOf(name);
  const value = {
    user_id: `USR-01-${id}`,
    team_id: id,
    team_name: name,
    score: 1_000_000 + n,
    event_time_millis: time,
    readable_time: new Date(time).toISOString().replace('T', ' ').replace('Z', ''),
    event_type: 'normal',
  };
  await produce(kafka, topic, [{ key: value.user_id, value: JSON.stringify(value) }]);
}

/** The PostgreSQL admin password a Docker stack generated, read from its container, URL-encoded. */
export function postgresAdminPassword(container: string): string {
  const env = execFileSync('docker', ['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', container], { encoding: 'utf8', timeout: 60_000 });
  const line = env.split('\n').find((l) => l.startsWith('POSTGRES_PASSWORD='));
  if (!line) throw new Error(`${container} has no POSTGRES_PASSWORD`);
  return encodeURIComponent(line.slice('POSTGRES_PASSWORD='.length));
}

/** The dashboard's API at `base` comes to serve `expected` (the oracle's boards). */
export async function expectDashboardServes(base: string, expected: Leaderboards): Promise<void> {
  await waitFor('the dashboard to publish the oracle boards', 120_000, async () => {
    const api = await getJson<{ boards: Record<string, { rows: unknown[] }> }>(`${base}/api/leaderboards`);
    const boards = Object.fromEntries(METRICS.map((m) => [m.id, api.boards[m.id]?.rows ?? []])) as unknown as Leaderboards;
    return compareLeaderboards(expected, boards) === undefined ? true : undefined;
  });
}

/** The dashboard at `base` publishes exactly `expected`, and a browser shows every board with rows. */
export async function expectDashboardShows(base: string, expected: Leaderboards, screenshotFile: string): Promise<void> {
  await expectDashboardServes(base, expected);
  expect(await screenshot(base, screenshotFile)).toBeGreaterThanOrEqual(METRICS.length);
  expect(existsSync(screenshotFile)).toBe(true);
}

/** A Docker engine answers. */
export const dockerEngineCheck: Check = () => {
  const missing = commandExists('docker')();
  if (missing) return missing;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch {
    return 'no Docker engine answers (start dockerd, e.g. scripts/offline/docker-engine.sh)';
  }
};

/** The project images' build contexts exist (`npm run build:images`). */
export const imageContextsCheck: Check = () =>
  PROJECT_IMAGE_NAMES.every((n) => existsSync(join(buildContextDir(n), 'Dockerfile'))) ? undefined : 'project image contexts missing (run npm run build:images)';
