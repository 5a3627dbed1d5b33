/**
 * How every Kafka client of the pipeline (the injector and the dashboard through kafkajs, the Flink
 * jobs and the topics task through Kafka's Java client) authenticates to a Kafka that needs it, e.g. a
 * managed one. One description, turned into each client's settings here, so they cannot disagree.
 */
import type { SASLOptions } from 'kafkajs';

export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];
export const KAFKA_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** A client's security settings; the password travels apart, as a secret. */
export interface KafkaClientSecurity {
  readonly securityProtocol: KafkaSecurityProtocol;
  /** With a SASL protocol only. */
  readonly sasl?: { readonly mechanism: KafkaSaslMechanism; readonly username: string };
}

export const PLAINTEXT: KafkaClientSecurity = { securityProtocol: 'PLAINTEXT' };

/**
 * The environment variable the SQL runner fills `${...}` with: the Flink jobs' SASL password, never
 * written into a script (like JDBC_PASSWORD_ENV).
 */
export const KAFKA_PASSWORD_ENV = 'LEADERBOARD_KAFKA_PASSWORD';

export const usesSasl = (protocol: KafkaSecurityProtocol): boolean => protocol.startsWith('SASL_');

/**
 * The settings from separately given fields (flags, configuration): the mechanism and user name count
 * with a SASL protocol only, an absent user name is an empty one (kafkaSecurityProblem reports it).
 */
export const kafkaClientSecurity = (securityProtocol: KafkaSecurityProtocol, mechanism: KafkaSaslMechanism, username: string | null | undefined): KafkaClientSecurity =>
  usesSasl(securityProtocol) ? { securityProtocol, sasl: { mechanism, username: username ?? '' } } : { securityProtocol };
export const usesTls = (protocol: KafkaSecurityProtocol): boolean => protocol === 'SSL' || protocol === 'SASL_SSL';

/**
 * Why `security` (with `password`, if one was given) cannot work, or undefined when it can: a SASL
 * protocol needs a mechanism, user name and password, the others take none.
 */
export function kafkaSecurityProblem(security: KafkaClientSecurity, hasPassword: boolean): string | undefined {
  const { securityProtocol, sasl } = security;
  if (!KAFKA_SECURITY_PROTOCOLS.includes(securityProtocol)) {
    return `security protocol '${securityProtocol}' is not one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`;
  }
  if (!usesSasl(securityProtocol)) {
    return sasl || hasPassword ? `security protocol ${securityProtocol} takes no SASL user name or password` : undefined;
  }
  if (!sasl || sasl.username === '') return `security protocol ${securityProtocol} needs a SASL user name`;
  if (!KAFKA_SASL_MECHANISMS.includes(sasl.mechanism)) {
    return `SASL mechanism '${sasl.mechanism}' is not one of ${KAFKA_SASL_MECHANISMS.join(', ')}`;
  }
  if (/["\\]/.test(sasl.username)) return 'the SASL user name must not contain " or \\ (JAAS quoting)';
  return hasPassword ? undefined : `security protocol ${securityProtocol} needs a SASL password`;
}

/** kafkajs's `ssl` and `sasl` client options (TLS trusts the system's certificate authorities). */
export function kafkajsSecurity(security: KafkaClientSecurity, password: string | undefined): { ssl?: boolean; sasl?: SASLOptions } {
  const problem = kafkaSecurityProblem(security, password !== undefined);
  if (problem) throw new Error(problem);
  const { sasl } = security;
  return {
    ...(usesTls(security.securityProtocol) ? { ssl: true } : {}),
    ...(sasl
      ? { sasl: { mechanism: sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512', username: sasl.username, password: password! } }
      : {}),
  };
}

const LOGIN_MODULES: Record<KafkaSaslMechanism, string> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

/**
 * Kafka Java client properties (`security.protocol`, `sasl.mechanism`, `sasl.jaas.config`). The
 * password is `passwordText` as given (a placeholder the client's runner fills in, or a shell
 * expansion), so it is never part of what is rendered; it must not contain `"` or `\`.
 */
export function javaClientProperties(security: KafkaClientSecurity, passwordText: string): Record<string, string> {
  const { securityProtocol, sasl } = security;
  if (!sasl) return securityProtocol === 'PLAINTEXT' ? {} : { 'security.protocol': securityProtocol };
  return {
    'security.protocol': securityProtocol,
    'sasl.mechanism': sasl.mechanism,
    'sasl.jaas.config': `${LOGIN_MODULES[sasl.mechanism]} required username="${sasl.username}" password="${passwordText}";`,
  };
}
