/**
 * The stacks, listed once in stacks.json: the app builds them, the npm commands (scripts/cli) accept
 * their names. The first is the default.
 */
import { SinkVariant } from '../common/contract';
import list from './stacks.json';

export type StackTarget = 'docker' | 'k8s';

export interface StackDefinition {
  readonly name: string;
  readonly target: StackTarget;
  readonly sink: SinkVariant;
}

export const STACKS = list as readonly StackDefinition[];
export const STACK_NAMES: readonly string[] = STACKS.map((s) => s.name);
export const DEFAULT_STACK = STACK_NAMES[0];
