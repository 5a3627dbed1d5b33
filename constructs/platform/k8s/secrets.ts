/** Generated passwords kept in a Kubernetes Secret, which pods read as `secretKeyRef`s. */
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Construct } from 'constructs';
import { generatePasswords } from '../passwords';
import { GeneratedSecret } from '../platform';
import { ObjectMetadata } from './metadata';

export function generatedSecret(scope: Construct, metadata: ObjectMetadata, keys: string[]): GeneratedSecret {
  const { passwords, secret } = generatePasswords(scope, metadata.name, keys);
  new SecretV1(scope, `${metadata.name}-secret`, {
    metadata,
    data: Object.fromEntries([...passwords].map(([key, password]) => [key, password.result])),
  });
  return secret;
}
