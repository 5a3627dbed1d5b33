/** Passwords generated at deploy time (random_password), shared by every target's secret mechanism. */
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';
import { GeneratedSecret } from './platform';

export interface GeneratedPasswords {
  readonly passwords: ReadonlyMap<string, Password>;
  readonly secret: GeneratedSecret;
}

export function generatePasswords(scope: Construct, name: string, keys: string[]): GeneratedPasswords {
  // No special characters: the values travel through URLs, JDBC properties and shell environments.
  const passwords = new Map(keys.map((key) => [key, new Password(scope, `${name}-${key}`, { length: 32, special: false })] as const));
  return {
    passwords,
    secret: {
      name,
      ref: (key) => {
        const password = passwords.get(key);
        if (!password) throw new Error(`secret '${name}' has no key '${key}'; keys: ${keys.join(', ')}`);
        return { secretName: name, key, valueToken: password.result };
      },
    },
  };
}
