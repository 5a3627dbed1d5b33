/** How the pipeline's components reach a Kafka: its security settings and, with SASL, the password. */
import { KafkaClientSecurity } from '../common/kafka-client';
import { SecretRef } from './platform/platform';

export interface KafkaClient {
  readonly security: KafkaClientSecurity;
  /** With a SASL protocol only. */
  readonly password?: SecretRef;
}

/**
 * A kafkajs service's settings for `client`, in the environment variables `<prefix>SECURITY_PROTOCOL`,
 * `<prefix>SASL_MECHANISM`, `<prefix>SASL_USERNAME` and `<prefix>SASL_PASSWORD` (the injector's and
 * the dashboard's flags); nothing for plaintext, their default.
 */
export function kafkaClientEnv(client: KafkaClient, prefix: string): { env: Record<string, string>; secretEnv: Record<string, SecretRef> } {
  const { securityProtocol, sasl } = client.security;
  if (securityProtocol === 'PLAINTEXT') return { env: {}, secretEnv: {} };
  return {
    env: {
      [`${prefix}SECURITY_PROTOCOL`]: securityProtocol,
      ...(sasl ? { [`${prefix}SASL_MECHANISM`]: sasl.mechanism, [`${prefix}SASL_USERNAME`]: sasl.username } : {}),
    },
    secretEnv: client.password ? { [`${prefix}SASL_PASSWORD`]: client.password } : {},
  };
}
