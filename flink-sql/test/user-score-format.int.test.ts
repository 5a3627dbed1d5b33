/**
 * The `leaderboard-user-score` format's validity rule (the runner jar's UserScoreParser) against the
 * oracle's (oracle/src/parse-event.ts): the same verdict, and for a valid record the same fields, on
 * the event set's records of every kind, on hand-picked edge cases and on thousands of random
 * mutations of valid records.
 */
import { spawnSync } from 'node:child_process';
import { isInvalid } from '../../oracle/src/game-event';
import { parseEvent } from '../../oracle/src/parse-event';
import { generateEventSet } from '../../test-support/event-set';
import { flinkArtifacts, flinkCheck } from '../../test-support/flink';
import { describeWith } from '../../test-support/prerequisites';

type Verdict = { invalid: string } | { user_id: string; team_id: string; team_name: string; score: number; event_time_millis: number };

/** The Java rule's verdicts, one per record, in one JVM. */
function javaVerdicts(records: Buffer[]): Verdict[] {
  const r = spawnSync('java', ['-cp', flinkArtifacts().runnerJar, 'leaderboard.sqlrunner.format.UserScoreParser'], {
    input: records.map((b) => b.toString('base64')).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`parser exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => {
    const v = JSON.parse(line);
    return 'invalid' in v ? { invalid: v.invalid } : v;
  });
}

function oracleVerdict(record: Buffer): Verdict {
  const r = parseEvent(record);
  return isInvalid(r) ? { invalid: r.invalid } : { ...r };
}

/** Records whose two verdicts differ, with both verdicts, for a readable failure. */
function disagreements(records: Buffer[]): { record: string; java: Verdict; oracle: Verdict }[] {
  const java = javaVerdicts(records);
  expect(java).toHaveLength(records.length);
  return records
    .map((record, i) => ({ record: JSON.stringify(record.toString('latin1')), java: java[i], oracle: oracleVerdict(record) }))
    .filter((d) => JSON.stringify(d.java) !== JSON.stringify(d.oracle));
}

const valid = {
  user_id: 'USR-07-0412953851',
  team_id: '0412953851',
  team_name: 'Amber-Koala',
  score: 17,
  event_time_millis: 1764183600123,
};
const json = (o: unknown): string => JSON.stringify(o);
const withRaw = (field: string, literal: string): string =>
  `{${Object.entries(valid).map(([k, v]) => `${json(k)}:${k === field ? literal : json(v)}`).join(',')}}`;

const EDGE_CASES: (string | Buffer)[] = [
  json(valid),
  ` \t\r\n${json(valid)}\n `,
  `\uFEFF${json(valid)}`,
  `\uFEFF\uFEFF${json(valid)}`,
  `${json(valid)} x`,
  `${json(valid)}}`,
  `${json(valid)}{}`,
  '',
  ' ',
  'null',
  '[]',
  '"x"',
  '17',
  '{}',
  '{"user_id":"a","user_id":"b","team_id":"t","team_name":"n","score":1,"event_time_millis":2}',
  '{"user_id":"a","team_id":"t","team_name":"n","score":1.5,"score":2,"event_time_millis":2}',
  '{"user_id":"a","team_id":"t","team_name":"n","score":2,"score":"2","event_time_millis":2}',
  withRaw('score', '-0'),
  withRaw('score', '0'),
  withRaw('score', '00'),
  withRaw('score', '-'),
  withRaw('score', '+1'),
  withRaw('score', '1.'),
  withRaw('score', '.5'),
  withRaw('score', '17.0'),
  withRaw('score', '1e2'),
  withRaw('score', '1E+2'),
  withRaw('score', '1e'),
  withRaw('score', '2147483647'),
  withRaw('score', '2147483648'),
  withRaw('score', '-2147483648'),
  withRaw('score', '-2147483649'),
  withRaw('score', '99999999999999999999999999'),
  withRaw('score', 'true'),
  withRaw('score', 'null'),
  withRaw('score', '[1]'),
  withRaw('score', '{"v":1}'),
  withRaw('score', 'tru'),
  withRaw('score', 'NaN'),
  withRaw('event_time_millis', '9223372036854775807'),
  withRaw('event_time_millis', '9223372036854775808'),
  withRaw('event_time_millis', '-9223372036854775808'),
  withRaw('event_time_millis', '-9223372036854775809'),
  withRaw('event_time_millis', '"1764183600123"'),
  withRaw('user_id', '""'),
  withRaw('user_id', '" "'),
  withRaw('user_id', '1'),
  withRaw('user_id', 'null'),
  withRaw('team_name', '"\\u00fc\\ud83d\\udd25"'),
  withRaw('team_name', '"\\ud800"'),
  withRaw('team_name', '"\\u12"'),
  withRaw('team_name', '"\\u12g4"'),
  withRaw('team_name', '"\\x41"'),
  withRaw('team_name', '"a\\/b\\b\\f\\n\\r\\t\\"\\\\"'),
  withRaw('team_name', '"tab\there"'),
  withRaw('team_name', '"\u0000"'),
  withRaw('team_name', '"Zürich 東京 🔥"'),
  withRaw('team_name', "'single'"),
  withRaw('team_name', '"unterminated'),
  '{"user_id":"a","team_id":"t","team_name":"n","score":1,"event_time_millis":2,}',
  '{"user_id":"a" "team_id":"t"}',
  '{user_id:"a"}',
  `{"nested":${'['.repeat(999)}${']'.repeat(999)},${json(valid).slice(1)}`,
  `{"nested":${'['.repeat(1000)}${']'.repeat(1000)},${json(valid).slice(1)}`,
  `{"nested":${'['.repeat(1000)}1${']'.repeat(1000)},${json(valid).slice(1)}`,
  `{"nested":${'{"a":'.repeat(999)}1${'}'.repeat(999)},${json(valid).slice(1)}`,
  `{"nested":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)},${json(valid).slice(1)}`,
  Buffer.from([0xff, 0xfe]),
  Buffer.concat([Buffer.from(json(valid).slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
  Buffer.concat([Buffer.from(json(valid).slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  Buffer.concat([Buffer.from(json(valid).slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('"}')]),
  Buffer.concat([Buffer.from(json(valid).slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
];

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random single and double edits of valid records: deletions, insertions and replacements of JSON-significant characters. */
function mutations(sources: string[], count: number, seed: number): Buffer[] {
  const next = random(seed);
  const alphabet = ['{', '}', '[', ']', '"', ':', ',', '\\', '.', 'e', 'E', '-', '+', '0', '1', '9', ' ', '\n', 'n', 't', 'u', 'x', '\u0000', 'é', '\uFEFF'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    let text = pick(sources);
    const edits = 1 + Math.floor(next() * 2);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (text.length + 1));
      const op = next();
      if (op < 0.34) text = text.slice(0, at) + text.slice(at + 1);
      else if (op < 0.67) text = text.slice(0, at) + pick(alphabet) + text.slice(at);
      else text = text.slice(0, at) + pick(alphabet) + text.slice(at + 1);
    }
    out.push(Buffer.from(text, 'utf8'));
  }
  return out;
}

describeWith([flinkCheck])('leaderboard-user-score format: validity', () => {
  it('agrees with the oracle on every record of the event set, malformed kinds included', () => {
    const set = generateEventSet({ validEvents: 3_000, malformedPerKind: 50 });
    const records = set.records.map((r) => Buffer.from(r.value, 'utf8'));
    expect(disagreements(records)).toEqual([]);
    const verdicts = javaVerdicts(records);
    expect(verdicts.filter((v) => !('invalid' in v)).length).toBeGreaterThan(3_000);
    expect(new Set(verdicts.filter((v) => 'invalid' in v).map((v) => (v as { invalid: string }).invalid)).size).toBe(Object.keys(set.malformed).length);
  });

  it('agrees with the oracle on the edge cases of JSON, integers, strings, UTF-8 and nesting', () => {
    expect(disagreements(EDGE_CASES.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)))).toEqual([]);
  });

  it('agrees with the oracle on 5,000 random edits of valid records', () => {
    const set = generateEventSet({ validEvents: 200, malformedPerKind: 0 });
    const sources = set.records.slice(0, 200).map((r) => r.value);
    const records = mutations(sources, 5_000, 20261202);
    const found = disagreements(records);
    expect(found.slice(0, 5)).toEqual([]);
    // The edits must reach both verdicts, or the comparison says little.
    const kinds = new Set(javaVerdicts(records).map((v) => ('invalid' in v ? v.invalid : 'valid')));
    expect(kinds.has('valid') && kinds.has('bad_json') && kinds.size >= 5).toBe(true);
  });
});
