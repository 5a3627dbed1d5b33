/**
 * How every Kafka client of the pipeline (the injector and the dashboard through kafkajs, the Flink
 * jobs and the topics task through Kafka's Java client) authenticates to a Kafka that needs it, e.g. a
 * managed one. One description, turned into each client's settings here, so they cannot disagree.
 */
import { readFileSync } from 'node:fs';
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
  /**
   * With a TLS protocol: the PEM certificate(s) of the authorities to trust instead of the system's
   * (a private CA, or a self-signed broker certificate).
   */
  readonly caCertificate?: string;
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
export const kafkaClientSecurity = (
  securityProtocol: KafkaSecurityProtocol,
  mechanism: KafkaSaslMechanism,
  username: string | null | undefined,
  caCertificate?: string | null,
): KafkaClientSecurity => ({
  securityProtocol,
  ...(usesSasl(securityProtocol) ? { sasl: { mechanism, username: username ?? '' } } : {}),
  ...(caCertificate ? { caCertificate } : {}),
});

const PEM_CERTIFICATE = /^\s*(-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*)+$/;
export const usesTls = (protocol: KafkaSecurityProtocol): boolean => protocol === 'SSL' || protocol === 'SASL_SSL';

/**
 * Why `security` (with `password`, if one was given) cannot work, or undefined when it can: a SASL
 * protocol needs a mechanism, user name and password, the others take none.
 */
export function kafkaSecurityProblem(security: KafkaClientSecurity, hasPassword: boolean): string | undefined {
  const { securityProtocol, sasl, caCertificate } = security;
  if (!KAFKA_SECURITY_PROTOCOLS.includes(securityProtocol)) {
    return `security protocol '${securityProtocol}' is not one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`;
  }
  const caProblem = caCertificate === undefined ? undefined : caCertificateProblem(securityProtocol, caCertificate);
  if (caProblem) return caProblem;
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

/** The setting a KafkaSettingError is about, for the caller to name it as its user gave it. */
export type KafkaSetting = 'securityProtocol' | 'saslMechanism' | 'username' | 'caCertificateFile';

export class KafkaSettingError extends Error {
  constructor(
    readonly setting: KafkaSetting,
    message: string,
  ) {
    super(message);
    this.name = 'KafkaSettingError';
  }
}

/** A Kafka client's security settings as a user gives them (flags, environment, configuration). */
export interface KafkaClientSettings {
  readonly securityProtocol: KafkaSecurityProtocol;
  readonly saslMechanism: KafkaSaslMechanism;
  readonly username?: string | null;
  /** Whether a password was given (one is needed with a SASL protocol). */
  readonly hasPassword: boolean;
  readonly caCertificateFile?: string | null;
}

/**
 * The one reading of a Kafka client's settings, shared by the injector's flags, the dashboard's
 * configuration and the app's `kafka.external`: reads the CA certificate file and checks the settings
 * together, throwing a KafkaSettingError that names the setting at fault.
 */
export function readKafkaClientSettings(settings: KafkaClientSettings, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): KafkaClientSecurity {
  const { securityProtocol, saslMechanism, username, hasPassword, caCertificateFile } = settings;
  const sasl = usesSasl(securityProtocol);
  if (!sasl && username != null) throw new KafkaSettingError('username', `security protocol ${securityProtocol} takes no SASL user name`);
  let caCertificate: string | undefined;
  if (caCertificateFile != null) {
    try {
      caCertificate = readFile(caCertificateFile);
    } catch (err) {
      throw new KafkaSettingError('caCertificateFile', `cannot read '${caCertificateFile}': ${(err as Error).message}`);
    }
    const caProblem = caCertificateProblem(securityProtocol, caCertificate);
    if (caProblem) throw new KafkaSettingError('caCertificateFile', caProblem);
  }
  const security = kafkaClientSecurity(securityProtocol, saslMechanism, username, caCertificate);
  const problem = kafkaSecurityProblem(security, sasl && hasPassword);
  if (problem) throw new KafkaSettingError(settingAt(problem, sasl), problem);
  return security;
}

/** The setting a kafkaSecurityProblem is about; a missing password is the protocol's need. */
function settingAt(problem: string, sasl: boolean): KafkaSetting {
  if (sasl && /user name/.test(problem)) return 'username';
  if (sasl && /mechanism/.test(problem)) return 'saslMechanism';
  return 'securityProtocol';
}

/** Why `caCertificate` cannot serve clients of `securityProtocol`, or undefined when it can. */
export function caCertificateProblem(securityProtocol: KafkaSecurityProtocol, caCertificate: string): string | undefined {
  if (!usesTls(securityProtocol)) return `security protocol ${securityProtocol} uses no TLS, so it takes no CA certificate`;
  return PEM_CERTIFICATE.test(caCertificate) ? undefined : 'the CA certificate is not PEM (-----BEGIN CERTIFICATE----- ...)';
}

/** kafkajs's `ssl` and `sasl` client options (TLS trusts the given CA, else the system's). */
export function kafkajsSecurity(security: KafkaClientSecurity, password: string | undefined): { ssl?: boolean | { ca: string[] }; sasl?: SASLOptions } {
  const problem = kafkaSecurityProblem(security, password !== undefined);
  if (problem) throw new Error(problem);
  const { sasl, caCertificate } = security;
  return {
    ...(usesTls(security.securityProtocol) ? { ssl: caCertificate ? { ca: [caCertificate] } : true } : {}),
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
 * Kafka Java client properties (`security.protocol`, `sasl.*`, a PEM trust store given inline). The
 * password is `passwordText` as given (a placeholder the client's runner fills in, or a shell
 * expansion), so it is never part of what is rendered; it must not contain `"` or `\`.
 */
export function javaClientProperties(security: KafkaClientSecurity, passwordText: string): Record<string, string> {
  const { securityProtocol, sasl, caCertificate } = security;
  if (securityProtocol === 'PLAINTEXT') return {};
  return {
    'security.protocol': securityProtocol,
    ...(sasl
      ? {
          'sasl.mechanism': sasl.mechanism,
          'sasl.jaas.config': `${LOGIN_MODULES[sasl.mechanism]} required username="${sasl.username}" password="${passwordText}";`,
        }
      : {}),
    ...(caCertificate ? { 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': caCertificate.trim() } : {}),
  };
}
