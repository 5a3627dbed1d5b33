/**
 * The Kubernetes stacks, synthesized: the Terraform JSON of a stack (once per test file with the
 * default configuration), its resources of a type, and the Flink custom resources its chart installs.
 */
import { TerraformStack, Testing } from 'cdktf';
import { CustomResource, SESSION_DEPLOYMENT_NAME } from '../constructs/k8s/flink-session';
import { buildApp } from '../stacks/app';
import { DEFAULT_CONFIG, LeaderboardConfig } from '../stacks/config';
import { tempDir } from './temp-dirs';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const synthesized = new Map<string, Json>();

/** The synthesized stack; with the default configuration, synthesized once per test file. */
export function synth(stackName: string, config: LeaderboardConfig = DEFAULT_CONFIG): Json {
  const cached = config === DEFAULT_CONFIG ? synthesized.get(stackName) : undefined;
  if (cached) return cached;
  const app = buildApp({ outdir: tempDir('k8s-synth'), config });
  const stack = JSON.parse(Testing.synth(app.node.findChild(stackName) as TerraformStack));
  if (config === DEFAULT_CONFIG) synthesized.set(stackName, stack);
  return stack;
}

export const resources = (s: Json, type: string): Json[] => Object.values(s.resource[type] ?? {});

/** The custom resources the Flink release installs, from its values. */
export function flinkResources(s: Json): CustomResource[] {
  const release = resources(s, 'helm_release').find((r) => r.name === SESSION_DEPLOYMENT_NAME);
  if (!release) throw new Error(`no helm_release ${SESSION_DEPLOYMENT_NAME} in the stack`);
  return JSON.parse(release.values[0]).resources;
}
