/** Passwords generated at deploy time (random_password), shared by every target's secret mechanism. */
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';

/** A password per key, as Terraform expressions of their values. */
export function generatePasswords(scope: Construct, name: string, keys: string[]): Record<string, string> {
  // No special characters: the values travel through URLs, JDBC properties and shell environments.
  return Object.fromEntries(keys.map((key) => [key, new Password(scope, `${name}-${key}`, { length: 32, special: false }).result]));
}
