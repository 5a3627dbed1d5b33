/** How the pipeline's components reach a Kafka: its security settings and, with SASL, the password. */
import { KafkaClientEnvNames } from '../common/contract';
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
 * A kafkajs service's settings for `client`, in the environment variables the service reads them
 * from, with the CA file; nothing for plaintext, their default.
 */
export function kafkaClientEnv(client: KafkaClient, names: KafkaClientEnvNames): { env: Record<string, string>; secretEnv: Record<string, SecretRef>; files: FileSpec[] } {
  const { securityProtocol, sasl, caCertificate } = client.security;
  if (securityProtocol === 'PLAINTEXT') return { env: {}, secretEnv: {}, files: [] };
  return {
    env: {
      [names.securityProtocol]: securityProtocol,
      ...(sasl ? { [names.saslMechanism]: sasl.mechanism, [names.saslUsername]: sasl.username } : {}),
      ...(caCertificate ? { [names.sslCaFile]: CA_FILE } : {}),
    },
    secretEnv: client.password ? { [names.saslPassword]: client.password } : {},
    files: caCertificate ? [{ path: CA_FILE, content: caCertificate }] : [],
  };
}
