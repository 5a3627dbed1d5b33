/** Secret values kept in a Kubernetes Secret, which pods read as `secretKeyRef`s. */
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Construct } from 'constructs';
import { StoredSecret, storedSecret } from '../platform';
import { ObjectMetadata } from './metadata';

export function kubernetesSecret(scope: Construct, metadata: ObjectMetadata, values: Readonly<Record<string, string>>): StoredSecret {
  new SecretV1(scope, `${metadata.name}-secret`, { metadata, data: { ...values } });
  return storedSecret(metadata.name, values);
}
