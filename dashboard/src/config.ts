/**
 * Command-line flags, each with an environment fallback for containers. Flags win over the
 * environment. A password is taken only from the environment or a file, never from a flag, so it
 * does not show in the process list.
 */
import { readFileSync } from 'node:fs';
import { ClientConfig } from 'pg';
import { DASHBOARD_ENV, POSTGRES_DATABASE } from '../../common/contract';
import {
  KAFKA_SASL_MECHANISMS,
  KAFKA_SECURITY_PROTOCOLS,
  KafkaClientSecurity,
  KafkaSaslMechanism,
  KafkaSecurityProtocol,
  KafkaSetting,
  KafkaSettingError,
  readKafkaClientSettings,
  usesSasl,
} from '../../common/kafka-client';
import { LOG_LEVELS, LogLevel } from './log';
import { DASHBOARD_DB_ROLE } from './postgres-setup';
import { SourceKind } from './sources/source';

export class ConfigError extends Error {}

export interface DashboardConfig {
  source: SourceKind;
  host: string;
  port: number;
  postgres: { connection: ClientConfig; target: string; pollIntervalMs: number };
  /** `schemaRegistryUrl`: the boards are Avro through that registry; JSON when unset. */
  kafka: { brokers: string[]; security: KafkaClientSecurity; saslPassword: string | undefined; schemaRegistryUrl: string | undefined };
  /** Flink's REST API, whose job states the page shows; none where the dashboard may not reach it. */
  flinkUrl: string | undefined;
  holdBackMs: number;
  maxClients: number;
  maxClientsPerAddress: number;
  logLevel: LogLevel;
}

interface FlagSpec {
  env: string;
  help: string;
  default?: string;
}

const FLAGS: Record<string, FlagSpec> = {
  source: { env: DASHBOARD_ENV.source, default: 'jdbc', help: 'sink variant to read: jdbc (PostgreSQL tables) or kafka (compacted topics)' },
  host: { env: DASHBOARD_ENV.host, default: '127.0.0.1', help: 'address to listen on (0.0.0.0 in a container)' },
  port: { env: DASHBOARD_ENV.port, default: '8080', help: 'port to listen on (0 picks a free one)' },
  'pg-url': {
    env: 'DASHBOARD_PG_URL',
    help: 'postgresql://user@host:port/database; without it PGHOST, PGPORT, PGUSER, PGDATABASE apply (defaults 127.0.0.1, 5432, leaderboard_dashboard, leaderboard). As a flag it must not contain a password',
  },
  'pg-password-file': { env: 'DASHBOARD_PG_PASSWORD_FILE', help: 'file holding the PostgreSQL password (else PGPASSWORD or the password in DASHBOARD_PG_URL)' },
  'pg-poll-interval-ms': { env: 'DASHBOARD_PG_POLL_INTERVAL_MS', default: '2000', help: 'polling period used only when the change triggers are missing' },
  'kafka-bootstrap-servers': { env: DASHBOARD_ENV.kafkaBootstrapServers, default: '127.0.0.1:9092', help: 'comma-separated host:port list' },
  'kafka-security-protocol': {
    env: DASHBOARD_ENV.kafka.securityProtocol,
    default: 'PLAINTEXT',
    help: `${KAFKA_SECURITY_PROTOCOLS.join(', ')}; SASL_* need --kafka-sasl-username and the password in ${DASHBOARD_ENV.kafka.saslPassword}; TLS trusts the system's certificate authorities unless --kafka-ssl-ca-file names others`,
  },
  'kafka-sasl-mechanism': { env: DASHBOARD_ENV.kafka.saslMechanism, default: 'PLAIN', help: KAFKA_SASL_MECHANISMS.join(', ') },
  'kafka-sasl-username': { env: DASHBOARD_ENV.kafka.saslUsername, help: 'SASL user name, with a SASL_* security protocol' },
  'kafka-ssl-ca-file': { env: DASHBOARD_ENV.kafka.sslCaFile, help: "PEM file of the certificate authorities to trust, with SSL or SASL_SSL; default: the system's" },
  'schema-registry-url': {
    env: DASHBOARD_ENV.schemaRegistryUrl,
    help: "with --source kafka: the boards' keys and values are Avro in Confluent's wire format, their schemas from this registry (http://schema-registry:8085); unset: JSON",
  },
  'flink-url': { env: DASHBOARD_ENV.flinkUrl, help: 'Flink REST API (http://jobmanager:8081) to show whether the jobs run; unset shows nothing about them' },
  'hold-back-ms': { env: 'DASHBOARD_HOLD_BACK_MS', default: '2000', help: 'longest time an inconsistent board is held back before it is shown flagged' },
  'max-clients': { env: 'DASHBOARD_MAX_CLIENTS', default: '10000', help: 'most concurrent push (SSE) clients' },
  'max-clients-per-address': { env: 'DASHBOARD_MAX_CLIENTS_PER_ADDRESS', default: '50', help: 'most concurrent push clients from one remote address (a port-forward counts as one)' },
  'log-level': { env: 'DASHBOARD_LOG_LEVEL', default: 'info', help: `one of ${LOG_LEVELS.join(', ')}` },
};

export function usage(): string {
  const lines = ['Usage: npm run --silent dashboard -- [flags]', '', 'Flags (environment fallback in brackets):'];
  for (const [name, spec] of Object.entries(FLAGS)) {
    lines.push(`  --${name} [${spec.env}]${spec.default !== undefined ? ` (default ${spec.default})` : ''}`, `      ${spec.help}`);
  }
  lines.push(
    '  --help',
    '      this text',
    '',
    'PostgreSQL password: PGPASSWORD, DASHBOARD_PG_PASSWORD_FILE or inside DASHBOARD_PG_URL.',
    `Kafka SASL password: ${DASHBOARD_ENV.kafka.saslPassword}.`,
  );
  return lines.join('\n');
}

/** Returns undefined when --help was asked for. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): DashboardConfig | undefined {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return undefined;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (match === null || !(match[1] in FLAGS)) {
      throw new ConfigError(`unknown argument '${arg}'; flags are ${Object.keys(FLAGS).map((f) => `--${f}`).join(', ')}, --help`);
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag --${match[1]} needs a value`);
    flags.set(match[1], value);
  }
  const get = (name: string): string | undefined => flags.get(name) ?? nonEmpty(env[FLAGS[name].env]) ?? FLAGS[name].default;
  const where = (name: string): string => (flags.has(name) ? `flag --${name}` : `${FLAGS[name].env}`);

  const source = get('source');
  if (source !== 'jdbc' && source !== 'kafka') throw new ConfigError(`${where('source')}: '${source}' is not a source; allowed: jdbc, kafka`);
  const logLevel = get('log-level') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`${where('log-level')}: '${logLevel}' is not a level; allowed: ${LOG_LEVELS.join(', ')}`);
  const integer = (name: string, min: number, max: number): number => {
    const raw = get(name) ?? '';
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(`${where(name)}: '${raw}' must be an integer in ${min}..${max}`);
    return n;
  };
  const brokers = (get('kafka-bootstrap-servers') ?? '').split(',').map((b) => b.trim()).filter((b) => b !== '');
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(broker)) throw new ConfigError(`${where('kafka-bootstrap-servers')}: '${broker}' is not host:port`);
  }
  if (brokers.length === 0) throw new ConfigError(`${where('kafka-bootstrap-servers')}: needs at least one host:port`);
  const kafka = kafkaClient(get, where, env);
  const httpUrl = (name: string): string | undefined => {
    const url = get(name);
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) throw new ConfigError(`${where(name)}: '${url}' is not an http(s) URL`);
    return url;
  };
  const schemaRegistryUrl = httpUrl('schema-registry-url');
  const flinkUrl = httpUrl('flink-url');
  return {
    source,
    host: get('host') ?? '',
    port: integer('port', 0, 65535),
    postgres: { ...postgresConnection(flags, env, where), pollIntervalMs: integer('pg-poll-interval-ms', 100, 3_600_000) },
    kafka: { brokers, ...kafka, schemaRegistryUrl },
    flinkUrl,
    holdBackMs: integer('hold-back-ms', 0, 600_000),
    maxClients: integer('max-clients', 1, 1_000_000),
    maxClientsPerAddress: integer('max-clients-per-address', 1, 1_000_000),
    logLevel,
  };
}

const SECURITY_FLAGS: Readonly<Record<KafkaSetting, string>> = {
  securityProtocol: 'kafka-security-protocol',
  saslMechanism: 'kafka-sasl-mechanism',
  username: 'kafka-sasl-username',
  caCertificateFile: 'kafka-ssl-ca-file',
};

function kafkaClient(
  get: (name: string) => string | undefined,
  where: (name: string) => string,
  env: NodeJS.ProcessEnv,
): { security: KafkaClientSecurity; saslPassword: string | undefined } {
  const securityProtocol = get('kafka-security-protocol') as KafkaSecurityProtocol;
  const password = nonEmpty(env[DASHBOARD_ENV.kafka.saslPassword]);
  try {
    const security = readKafkaClientSettings({
      securityProtocol,
      saslMechanism: get('kafka-sasl-mechanism') as KafkaSaslMechanism,
      username: get('kafka-sasl-username'),
      hasPassword: password !== undefined,
      caCertificateFile: get('kafka-ssl-ca-file'),
    });
    return { security, saslPassword: usesSasl(securityProtocol) ? password : undefined };
  } catch (e) {
    if (!(e instanceof KafkaSettingError)) throw e;
    const hint = e.setting === 'caCertificateFile' ? '' : ` (user name: --kafka-sasl-username, password: ${DASHBOARD_ENV.kafka.saslPassword})`;
    throw new ConfigError(`${where(SECURITY_FLAGS[e.setting])}: ${e.message}${hint}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function postgresConnection(
  flags: Map<string, string>,
  env: NodeJS.ProcessEnv,
  where: (name: string) => string,
): { connection: ClientConfig; target: string } {
  const passwordFile = flags.get('pg-password-file') ?? nonEmpty(env.DASHBOARD_PG_PASSWORD_FILE);
  let password: string | undefined;
  if (passwordFile !== undefined) {
    try {
      password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${where('pg-password-file')}: cannot read '${passwordFile}': ${(err as Error).message}`);
    }
  } else {
    password = nonEmpty(env.PGPASSWORD);
  }
  const url = flags.get('pg-url') ?? nonEmpty(env.DASHBOARD_PG_URL);
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${where('pg-url')}: not a URL; expected postgresql://user@host:port/database`);
    }
    if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
      throw new ConfigError(`${where('pg-url')}: scheme '${parsed.protocol}' not allowed; use postgresql://`);
    }
    if (flags.has('pg-url') && parsed.password !== '') {
      throw new ConfigError('flag --pg-url must not contain a password (it would show in the process list); use PGPASSWORD or --pg-password-file');
    }
    const target = `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
    return { connection: { connectionString: url, ...(password !== undefined ? { password } : {}) }, target };
  }
  const host = nonEmpty(env.PGHOST) ?? '127.0.0.1';
  const port = Number(nonEmpty(env.PGPORT) ?? '5432');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`PGPORT: '${env.PGPORT}' must be an integer in 1..65535`);
  const database = nonEmpty(env.PGDATABASE) ?? POSTGRES_DATABASE;
  const user = nonEmpty(env.PGUSER) ?? DASHBOARD_DB_ROLE;
  return { connection: { host, port, database, user, ...(password !== undefined ? { password } : {}) }, target: `${host}:${port}/${database}` };
}
