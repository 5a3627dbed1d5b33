/**
 * Command-line flags, with an environment fallback for each (`--avg-qps` ← `INJECTOR_AVG_QPS`) so a
 * container is configured without a shell. Precedence: flag, then environment, then default.
 * Everything is validated here, before any connection is made.
 */
import { randomInt } from 'node:crypto';
import { DEFAULT_INPUT_TOPIC, INJECTOR_ENV, INPUT_PARTITIONS, MAX_EVENTS_PER_SECOND, injectorEnvName } from '../../common/contract';
import {
  KAFKA_SASL_MECHANISMS,
  KAFKA_SECURITY_PROTOCOLS,
  KafkaClientSecurity,
  KafkaClientSettings,
  KafkaSaslMechanism,
  KafkaSecurityProtocol,
  KafkaSetting,
  KafkaSettingError,
  readKafkaClientSettings,
  usesSasl,
} from '../../common/kafka-client';
import { LOG_LEVELS, LogLevel } from './log';
import { TEAM_NAME_COUNT } from './names';

export class FlagError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

export const OUTPUTS = ['kafka', 'print'] as const;
export const FORMATS = ['json', 'avro'] as const;
export const CLOCKS = ['real', 'synthetic'] as const;

export interface Config {
  readonly output: (typeof OUTPUTS)[number];
  readonly bootstrapServers: readonly string[];
  readonly kafkaSecurity: KafkaClientSecurity;
  /** From SASL_PASSWORD_ENV only: a flag would show it in the process list. */
  readonly saslPassword: string | undefined;
  readonly topic: string;
  readonly format: (typeof FORMATS)[number];
  /** With the avro format. */
  readonly schemaRegistryUrl: string | undefined;
  /** With the avro format: another version of the event schema; undefined: the contract's user-score.avsc. */
  readonly avroSchemaFile: string | undefined;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly avgQps: number;
  readonly numLiveTeams: number;
  readonly minMembersPerTeam: number;
  readonly maxMembersPerTeam: number;
  readonly minTeamLifetimeMinutes: number;
  readonly maxTeamLifetimeMinutes: number;
  readonly minScore: number;
  readonly maxScore: number;
  readonly robotProbability: number;
  readonly lateEventRate: number;
  readonly seed: number;
  readonly seedGiven: boolean;
  /** 0 = unlimited. */
  readonly maxEvents: number;
  /** Seconds of clock time; 0 = unlimited. */
  readonly durationSeconds: number;
  readonly clock: (typeof CLOCKS)[number];
  readonly startTimeMillis: number | undefined;
  readonly bufferSize: number;
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly progressIntervalSeconds: number;
  readonly shutdownTimeoutSeconds: number;
  readonly logLevel: LogLevel;
}

type Kind =
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; exclusiveMin?: boolean; max: number }
  | { kind: 'time' };

interface FlagSpec {
  readonly name: string;
  readonly type: Kind;
  readonly default: string | undefined;
  readonly help: string;
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const UINT32_MAX = 4294967295;

/** The default start of the synthetic clock is fixed, so a seeded synthetic run is reproducible as is. */
export const DEFAULT_SYNTHETIC_START = '2026-01-01T00:00:00Z';

/** The SASL password is taken from the environment only. */
export const SASL_PASSWORD_ENV = INJECTOR_ENV.kafka.saslPassword;

export const FLAGS: readonly FlagSpec[] = [
  { name: 'output', type: { kind: 'enum', values: OUTPUTS }, default: 'kafka', help: 'where events go: the Kafka topic, or JSON lines on stdout' },
  { name: 'bootstrap-servers', type: { kind: 'string' }, default: 'localhost:9092', help: 'comma-separated host:port list of Kafka brokers' },
  { name: 'security-protocol', type: { kind: 'enum', values: KAFKA_SECURITY_PROTOCOLS }, default: 'PLAINTEXT', help: `how to reach Kafka; SASL_* need --sasl-username and the password in env ${SASL_PASSWORD_ENV}; TLS trusts the system's certificate authorities unless --ssl-ca-file names others` },
  { name: 'sasl-mechanism', type: { kind: 'enum', values: KAFKA_SASL_MECHANISMS }, default: 'PLAIN', help: 'SASL mechanism, with a SASL_* security protocol' },
  { name: 'sasl-username', type: { kind: 'string' }, default: undefined, help: 'SASL user name, with a SASL_* security protocol' },
  { name: 'ssl-ca-file', type: { kind: 'string' }, default: undefined, help: "PEM file of the certificate authorities to trust, with SSL or SASL_SSL; default: the system's" },
  { name: 'topic', type: { kind: 'string' }, default: DEFAULT_INPUT_TOPIC, help: 'topic to write to; created if missing' },
  { name: 'format', type: { kind: 'enum', values: FORMATS }, default: 'json', help: 'record value format: one JSON object, or Avro in the Confluent wire format (needs --schema-registry-url and --output kafka)' },
  { name: 'schema-registry-url', type: { kind: 'string' }, default: undefined, help: 'http(s) URL of the Confluent-compatible schema registry the avro format registers its schema with (subject <topic>-value)' },
  { name: 'avro-schema-file', type: { kind: 'string' }, default: undefined, help: "with --format avro: an .avsc file to write with instead of the contract's user-score.avsc (e.g. a later version; fields beyond the contract's take their defaults)" },
  { name: 'partitions', type: { kind: 'int', min: 1, max: 10000 }, default: String(INPUT_PARTITIONS), help: 'partitions of the topic when the injector creates it' },
  { name: 'replication-factor', type: { kind: 'int', min: 1, max: 100 }, default: '1', help: 'replication factor of the topic when the injector creates it' },
  { name: 'avg-qps', type: { kind: 'number', min: 0, exclusiveMin: true, max: MAX_EVENTS_PER_SECOND }, default: '20', help: 'mean event rate (events per second) of the Poisson arrival process' },
  { name: 'num-live-teams', type: { kind: 'int', min: 1, max: Math.floor(TEAM_NAME_COUNT / 4) }, default: '10', help: 'number of teams playing at any time' },
  { name: 'min-members-per-team', type: { kind: 'int', min: 1, max: 99 }, default: '5', help: 'fewest members of a team' },
  { name: 'max-members-per-team', type: { kind: 'int', min: 1, max: 99 }, default: '15', help: 'most members of a team' },
  { name: 'min-team-lifetime-minutes', type: { kind: 'number', min: 0, exclusiveMin: true, max: 1e6 }, default: '20', help: 'shortest time a team plays before a new team replaces it' },
  { name: 'max-team-lifetime-minutes', type: { kind: 'number', min: 0, exclusiveMin: true, max: 1e6 }, default: '40', help: 'longest time a team plays before a new team replaces it' },
  { name: 'min-score', type: { kind: 'int', min: INT32_MIN, max: INT32_MAX }, default: '0', help: 'lowest score of an event' },
  { name: 'max-score', type: { kind: 'int', min: INT32_MIN, max: INT32_MAX }, default: '20', help: 'highest score of an event' },
  { name: 'robot-probability', type: { kind: 'int', min: 0, max: INT32_MAX }, default: '3', help: 'one team in N gets a robot player (RBT-...) that plays half of its team\'s events; 0 = no robots' },
  { name: 'late-event-rate', type: { kind: 'int', min: 0, max: INT32_MAX }, default: '0', help: 'every Nth event is late: event time 5-10 minutes in the past, event_type "late"; 0 = none' },
  { name: 'seed', type: { kind: 'int', min: 0, max: UINT32_MAX }, default: undefined, help: 'seed of the random generator; same seed and flags give the same events (byte for byte with --clock synthetic); default: random, logged at start' },
  { name: 'max-events', type: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }, default: '0', help: 'stop after N events, flush and exit 0; 0 = no limit' },
  { name: 'duration', type: { kind: 'number', min: 0, max: 1e9 }, default: '0', help: 'stop after S seconds of clock time (simulated seconds with --clock synthetic), flush and exit 0; 0 = no limit' },
  { name: 'clock', type: { kind: 'enum', values: CLOCKS }, default: 'real', help: 'real: events at wall-clock time, paced at --avg-qps; synthetic: event times advance by the simulated inter-arrival times from --start-time, without sleeping' },
  { name: 'start-time', type: { kind: 'time' }, default: undefined, help: `start of the synthetic clock: ISO 8601 with a zone (2026-11-26T19:00:00Z) or epoch milliseconds; default ${DEFAULT_SYNTHETIC_START}; only with --clock synthetic` },
  { name: 'buffer-size', type: { kind: 'int', min: 1, max: 10000000 }, default: '200000', help: 'events held in memory awaiting acknowledgement; when full, generation waits (back-pressure)' },
  { name: 'batch-size', type: { kind: 'int', min: 1, max: 1000000 }, default: '20000', help: 'most events per partition in one produce request' },
  { name: 'max-batch-bytes', type: { kind: 'int', min: 1024, max: 100000000 }, default: '900000', help: 'most bytes per partition in one produce request; keep under the broker\'s message.max.bytes' },
  { name: 'progress-interval', type: { kind: 'number', min: 0, max: 86400 }, default: '10', help: 'seconds between progress lines on stderr; 0 = none' },
  { name: 'shutdown-timeout', type: { kind: 'number', min: 0, max: 86400 }, default: '30', help: 'seconds to wait for Kafka to acknowledge buffered events when stopping' },
  { name: 'log-level', type: { kind: 'enum', values: LOG_LEVELS }, default: 'info', help: 'least severe log level written to stderr' },
];

export const envNameOf = injectorEnvName;

export function helpText(): string {
  const lines = [
    'Usage: npm run --silent injector -- [flags]',
    '',
    'Simulates a mobile game and writes score events to Kafka (or stdout). Every flag can also be set',
    'through the environment variable shown; a flag on the command line wins.',
    '',
  ];
  for (const spec of FLAGS) {
    const values = spec.type.kind === 'enum' ? ` (${spec.type.values.join('|')})` : '';
    const dflt = spec.default === undefined ? '' : ` [default: ${spec.default}]`;
    lines.push(`  --${spec.name}${values}  env ${envNameOf(spec.name)}${dflt}`);
    lines.push(`      ${spec.help}`);
  }
  lines.push('  --help', '      print this help and exit', '', `SASL password: env ${SASL_PASSWORD_ENV} (never a flag).`);
  return `${lines.join('\n')}\n`;
}

export type ParseResult = { help: true } | { help: false; config: Config };

const INT_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function convert(spec: FlagSpec, raw: string, source: string): string | number {
  const bad = (expected: string): FlagError =>
    new FlagError(`--${spec.name}`, `${source} must be ${expected}, got ${JSON.stringify(raw)}`);
  const t = spec.type;
  switch (t.kind) {
    case 'string':
      if (raw.trim() === '') throw bad('a non-empty string');
      return raw;
    case 'enum':
      if (!t.values.includes(raw)) throw bad(`one of ${t.values.join(', ')}`);
      return raw;
    case 'int': {
      const n = Number(raw);
      if (!INT_RE.test(raw) || !Number.isSafeInteger(n) || n < t.min || n > t.max) {
        throw bad(`an integer in [${t.min}, ${t.max}]`);
      }
      return n;
    }
    case 'number': {
      const n = Number(raw);
      const low = t.exclusiveMin === true ? n <= t.min : n < t.min;
      if (!NUMBER_RE.test(raw) || !Number.isFinite(n) || low || n > t.max) {
        throw bad(`a number ${t.exclusiveMin === true ? '>' : '>='} ${t.min} and <= ${t.max}`);
      }
      return n;
    }
    case 'time': {
      const n = INT_RE.test(raw) && !raw.startsWith('-') ? Number(raw) : ISO_RE.test(raw) ? Date.parse(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < 0 || n > 8.64e15) {
        throw bad('an ISO 8601 time with a zone (2026-11-26T19:00:00Z) or epoch milliseconds');
      }
      return n;
    }
  }
}

const SECURITY_FLAGS: Readonly<Record<KafkaSetting, string>> = {
  securityProtocol: '--security-protocol',
  saslMechanism: '--sasl-mechanism',
  username: '--sasl-username',
  caCertificateFile: '--ssl-ca-file',
};

/** The Kafka settings, read and checked by the shared rule, with any problem named by its flag. */
function kafkaSecurityOf(settings: KafkaClientSettings): KafkaClientSecurity {
  try {
    return readKafkaClientSettings(settings);
  } catch (e) {
    if (!(e instanceof KafkaSettingError)) throw e;
    const flag = SECURITY_FLAGS[e.setting];
    const hint = e.setting === 'caCertificateFile' ? '' : ` (user name: --sasl-username, password: env ${SASL_PASSWORD_ENV})`;
    throw new FlagError(flag, `${flag}: ${e.message}${hint}`);
  }
}

/** Parses argv (without node and script) and the environment into a validated Config. */
export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): ParseResult {
  const byName = new Map(FLAGS.map((spec) => [spec.name, spec]));
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (!arg.startsWith('--')) {
      throw new FlagError(arg, `unexpected argument ${JSON.stringify(arg)}: flags look like --name value; see --help`);
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!byName.has(name)) {
      throw new FlagError(`--${name}`, `unknown flag --${name}; valid flags: ${FLAGS.map((f) => `--${f.name}`).join(', ')}`);
    }
    if (given.has(name)) throw new FlagError(`--${name}`, `--${name} is given more than once`);
    let value: string;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new FlagError(`--${name}`, `--${name} needs a value`);
      value = argv[++i];
    }
    given.set(name, value);
  }

  const values = new Map<string, string | number | undefined>();
  for (const spec of FLAGS) {
    const fromFlag = given.get(spec.name);
    const envName = envNameOf(spec.name);
    const fromEnv = env[envName];
    if (fromFlag !== undefined) {
      values.set(spec.name, convert(spec, fromFlag, `--${spec.name}`));
    } else if (fromEnv !== undefined && fromEnv !== '') {
      values.set(spec.name, convert(spec, fromEnv, `--${spec.name} (from ${envName})`));
    } else {
      values.set(spec.name, spec.default === undefined ? undefined : convert(spec, spec.default, `default of --${spec.name}`));
    }
  }
  const str = (name: string): string => values.get(name) as string;
  const num = (name: string): number => values.get(name) as number;
  const set = (name: string): boolean => given.has(name) || (env[envNameOf(name)] ?? '') !== '';

  const ordered = (low: string, high: string): void => {
    if (num(low) > num(high)) {
      throw new FlagError(`--${low}`, `--${low} (${num(low)}) must not exceed --${high} (${num(high)})`);
    }
  };
  ordered('min-members-per-team', 'max-members-per-team');
  ordered('min-team-lifetime-minutes', 'max-team-lifetime-minutes');
  ordered('min-score', 'max-score');

  const clock = str('clock') as Config['clock'];
  if (set('start-time') && clock !== 'synthetic') {
    throw new FlagError('--start-time', '--start-time needs --clock synthetic (the real clock starts now)');
  }
  const seedValue = values.get('seed') as number | undefined;
  const bootstrapServers = str('bootstrap-servers')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const server of bootstrapServers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(server) || Number(server.split(':')[1]) > 65535) {
      throw new FlagError('--bootstrap-servers', `--bootstrap-servers must be host:port[,host:port...], got ${JSON.stringify(str('bootstrap-servers'))}`);
    }
  }
  const securityProtocol = str('security-protocol') as KafkaSecurityProtocol;
  const saslPassword = env[SASL_PASSWORD_ENV] === '' ? undefined : env[SASL_PASSWORD_ENV];
  const kafkaSecurity = kafkaSecurityOf({
    securityProtocol,
    saslMechanism: str('sasl-mechanism') as KafkaSaslMechanism,
    username: values.get('sasl-username') as string | undefined,
    hasPassword: saslPassword !== undefined,
    caCertificateFile: values.get('ssl-ca-file') as string | undefined,
  });
  const format = str('format') as Config['format'];
  const schemaRegistryUrl = values.get('schema-registry-url') as string | undefined;
  if (format === 'avro') {
    if (str('output') !== 'kafka') throw new FlagError('--format', '--format avro writes to Kafka only (--output kafka): its records are binary');
    if (schemaRegistryUrl === undefined) throw new FlagError('--schema-registry-url', '--format avro needs --schema-registry-url (the registry that gives the schema its id)');
    if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(schemaRegistryUrl)) {
      throw new FlagError('--schema-registry-url', `--schema-registry-url must be an http:// or https:// URL, got ${JSON.stringify(schemaRegistryUrl)}`);
    }
  } else {
    for (const flag of ['schema-registry-url', 'avro-schema-file']) {
      if (set(flag)) throw new FlagError(`--${flag}`, `--${flag} needs --format avro`);
    }
  }
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(str('topic'))) {
    throw new FlagError('--topic', `--topic must be 1-249 characters of letters, digits, '.', '_' or '-', got ${JSON.stringify(str('topic'))}`);
  }

  return {
    help: false,
    config: {
      output: str('output') as Config['output'],
      bootstrapServers,
      kafkaSecurity,
      saslPassword: usesSasl(securityProtocol) ? saslPassword : undefined,
      topic: str('topic'),
      format,
      schemaRegistryUrl: format === 'avro' ? schemaRegistryUrl : undefined,
      avroSchemaFile: values.get('avro-schema-file') as string | undefined,
      partitions: num('partitions'),
      replicationFactor: num('replication-factor'),
      avgQps: num('avg-qps'),
      numLiveTeams: num('num-live-teams'),
      minMembersPerTeam: num('min-members-per-team'),
      maxMembersPerTeam: num('max-members-per-team'),
      minTeamLifetimeMinutes: num('min-team-lifetime-minutes'),
      maxTeamLifetimeMinutes: num('max-team-lifetime-minutes'),
      minScore: num('min-score'),
      maxScore: num('max-score'),
      robotProbability: num('robot-probability'),
      lateEventRate: num('late-event-rate'),
      seed: seedValue ?? randomInt(0, UINT32_MAX + 1),
      seedGiven: seedValue !== undefined,
      maxEvents: num('max-events'),
      durationSeconds: num('duration'),
      clock,
      startTimeMillis: clock === 'synthetic' ? ((values.get('start-time') as number | undefined) ?? Date.parse(DEFAULT_SYNTHETIC_START)) : undefined,
      bufferSize: num('buffer-size'),
      batchSize: num('batch-size'),
      maxBatchBytes: num('max-batch-bytes'),
      progressIntervalSeconds: num('progress-interval'),
      shutdownTimeoutSeconds: num('shutdown-timeout'),
      logLevel: str('log-level') as LogLevel,
    },
  };
}
