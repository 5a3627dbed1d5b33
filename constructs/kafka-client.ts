/** How the pipeline's components reach a Kafka: its security settings and, with SASL, the password. */
import { KafkaClientSecurity } from '../common/kafka-client';
import { FileSpec, SecretRef } from './platform/platform';

export interface KafkaClient {
  readonly security: KafkaClientSecurity;
  /** With a SASL protocol only. */
  readonly password?: SecretRef;
}

/** Where a kafkajs service finds the CA certificate to trust. */
const CA_FILE = '/tmp/leaderboard-kafka-ca.pem';

/**
 * A kafkajs service's settings for `client`, in the environment variables `<prefix>SECURITY_PROTOCOL`,
 * `<prefix>SASL_MECHANISM`, `<prefix>SASL_USERNAME`, `<prefix>SASL_PASSWORD` and
 * `<prefix>SSL_CA_FILE` (the injector's and the dashboard's flags), with that file; nothing for
 * plaintext, their default.
 */
export function kafkaClientEnv(client: KafkaClient, prefix: string): { env: Record<string, string>; secretEnv: Record<string, SecretRef>; files: FileSpec[] } {
  const { securityProtocol, sasl, caCertificate } = client.security;
  if (securityProtocol === 'PLAINTEXT') return { env: {}, secretEnv: {}, files: [] };
  return {
    env: {
      [`${prefix}SECURITY_PROTOCOL`]: securityProtocol,
      ...(sasl ? { [`${prefix}SASL_MECHANISM`]: sasl.mechanism, [`${prefix}SASL_USERNAME`]: sasl.username } : {}),
      ...(caCertificate ? { [`${prefix}SSL_CA_FILE`]: CA_FILE } : {}),
    },
    secretEnv: client.password ? { [`${prefix}SASL_PASSWORD`]: client.password } : {},
    files: caCertificate ? [{ path: CA_FILE, content: caCertificate }] : [],
  };
}
