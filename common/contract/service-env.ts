/**
 * The environment variables the injector and the dashboard take their settings from in a container.
 * Each service's configuration reads these names and its construct writes them, so a renamed setting
 * cannot leave the two apart; they belong to the contract because constructs never import a
 * service's code. (The dashboard's PostgreSQL connection uses libpq's own PG* variables.)
 */

/** A kafkajs service's Kafka security settings, each under `<prefix>...`. */
export interface KafkaClientEnvNames {
  readonly securityProtocol: string;
  readonly saslMechanism: string;
  readonly saslUsername: string;
  /** Never a flag: a flag would show it in the process list. */
  readonly saslPassword: string;
  readonly sslCaFile: string;
}

const kafkaClientEnvNames = (prefix: string): KafkaClientEnvNames => ({
  securityProtocol: `${prefix}SECURITY_PROTOCOL`,
  saslMechanism: `${prefix}SASL_MECHANISM`,
  saslUsername: `${prefix}SASL_USERNAME`,
  saslPassword: `${prefix}SASL_PASSWORD`,
  sslCaFile: `${prefix}SSL_CA_FILE`,
});

/** The injector reads every flag from the environment too: `--avg-qps` from `INJECTOR_AVG_QPS`. */
export const injectorEnvName = (flag: string): string => `INJECTOR_${flag.toUpperCase().replace(/-/g, '_')}`;

/** What the injector's construct sets. */
export const INJECTOR_ENV = {
  bootstrapServers: injectorEnvName('bootstrap-servers'),
  topic: injectorEnvName('topic'),
  avgQps: injectorEnvName('avg-qps'),
  maxEvents: injectorEnvName('max-events'),
  seed: injectorEnvName('seed'),
  format: injectorEnvName('format'),
  schemaRegistryUrl: injectorEnvName('schema-registry-url'),
  kafka: kafkaClientEnvNames('INJECTOR_'),
} as const;

/** What the dashboard's construct sets. */
export const DASHBOARD_ENV = {
  source: 'DASHBOARD_SOURCE',
  host: 'DASHBOARD_HOST',
  port: 'DASHBOARD_PORT',
  flinkUrl: 'DASHBOARD_FLINK_URL',
  kafkaBootstrapServers: 'DASHBOARD_KAFKA_BOOTSTRAP_SERVERS',
  schemaRegistryUrl: 'DASHBOARD_SCHEMA_REGISTRY_URL',
  kafka: kafkaClientEnvNames('DASHBOARD_KAFKA_'),
} as const;

/** What the schema registry's construct sets (it takes no flags: it runs as a service only). */
export const SCHEMA_REGISTRY_ENV = {
  host: 'SCHEMA_REGISTRY_HOST',
  port: 'SCHEMA_REGISTRY_PORT',
  kafkaBootstrapServers: 'SCHEMA_REGISTRY_KAFKA_BOOTSTRAP_SERVERS',
  topic: 'SCHEMA_REGISTRY_TOPIC',
  topicReplicationFactor: 'SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR',
  logLevel: 'SCHEMA_REGISTRY_LOG_LEVEL',
  kafka: kafkaClientEnvNames('SCHEMA_REGISTRY_KAFKA_'),
} as const;
