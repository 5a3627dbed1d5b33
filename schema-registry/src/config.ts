/**
 * The registry's settings, from the environment only (it runs as a service; its construct writes
 * these names, common/contract SCHEMA_REGISTRY_ENV). A wrong value stops it with the variable named.
 */
import { SCHEMA_REGISTRY_ENV as ENV } from '../../common/contract';
import { KafkaClientSecurity, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaSetting, KafkaSettingError, readKafkaClientSettings, usesSasl } from '../../common/kafka-client';
import { LOG_LEVELS, LogLevel } from '../../common/log';

export class ConfigError extends Error {}

export interface RegistryConfig {
  readonly host: string;
  readonly port: number;
  readonly brokers: string[];
  readonly security: KafkaClientSecurity;
  readonly saslPassword: string | undefined;
  readonly topic: string;
  readonly replicationFactor: number;
  readonly logLevel: LogLevel;
}

/** Confluent's port is 8081, which is Flink's REST API here. */
export const DEFAULT_PORT = 8085;
/** Confluent's name for the topic, so its records are where people look for them. */
export const DEFAULT_TOPIC = '_schemas';

const SECURITY_ENV: Record<KafkaSetting, string> = {
  securityProtocol: ENV.kafka.securityProtocol,
  saslMechanism: ENV.kafka.saslMechanism,
  username: ENV.kafka.saslUsername,
  caCertificateFile: ENV.kafka.sslCaFile,
};

export function parseRegistryConfig(env: NodeJS.ProcessEnv): RegistryConfig {
  const get = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name) ?? String(fallback);
    if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(`${name}: '${raw}' is not an integer from ${min} to ${max}`);
    return Number(raw);
  };
  const bootstrap = get(ENV.kafkaBootstrapServers);
  if (!bootstrap) throw new ConfigError(`${ENV.kafkaBootstrapServers}: required (host:port[,host:port...])`);
  const brokers = bootstrap.split(',').map((b) => b.trim());
  const bad = brokers.find((b) => !/^[^\s:]+:[0-9]{1,5}$/.test(b));
  if (bad !== undefined) throw new ConfigError(`${ENV.kafkaBootstrapServers}: '${bad}' is not host:port`);
  const logLevel = get(ENV.logLevel) ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`${ENV.logLevel}: '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  const topic = get(ENV.topic) ?? DEFAULT_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new ConfigError(`${ENV.topic}: '${topic}' is not a Kafka topic name`);

  const securityProtocol = (get(ENV.kafka.securityProtocol) ?? 'PLAINTEXT') as KafkaSecurityProtocol;
  const saslPassword = get(ENV.kafka.saslPassword);
  let security: KafkaClientSecurity;
  try {
    security = readKafkaClientSettings({
      securityProtocol,
      saslMechanism: (get(ENV.kafka.saslMechanism) ?? 'PLAIN') as KafkaSaslMechanism,
      username: get(ENV.kafka.saslUsername),
      hasPassword: saslPassword !== undefined,
      caCertificateFile: get(ENV.kafka.sslCaFile),
    });
  } catch (err) {
    if (!(err instanceof KafkaSettingError)) throw err;
    throw new ConfigError(`${SECURITY_ENV[err.setting]}: ${err.message}`);
  }
  return {
    host: get(ENV.host) ?? '127.0.0.1',
    port: integer(ENV.port, DEFAULT_PORT, 0, 65535),
    brokers,
    security,
    saslPassword: usesSasl(securityProtocol) ? saslPassword : undefined,
    topic,
    replicationFactor: integer(ENV.topicReplicationFactor, 1, 1, 32),
    logLevel: logLevel as LogLevel,
  };
}
