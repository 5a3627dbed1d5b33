/**
 * Helpers for construct tests: a Docker platform to place services on, and readers for what the
 * cdktf matchers cannot say (one container's environment as a map, a container found by name).
 */
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DockerPlatform } from '../constructs/platform/docker';
import { SecretRef } from '../constructs/platform/platform';

export const TEST_STACK = 'test';

/** Synthesizes what `build` adds next to a Docker platform named for TEST_STACK. */
export function synthOnDocker(build: (scope: Construct, platform: DockerPlatform) => void): string {
  return Testing.synthScope((scope) => build(scope, new DockerPlatform(scope, 'platform', { stackName: TEST_STACK })));
}

export interface SynthesizedContainer {
  readonly name: string;
  readonly env?: string[];
  readonly upload?: { readonly file: string; readonly content: string }[];
  readonly command?: string[];
  readonly depends_on?: string[];
}

/** The container `<TEST_STACK>-<service>` of a synthesized scope. */
export function containerOf(synthesized: string, service: string): SynthesizedContainer {
  const parsed = JSON.parse(synthesized) as { resource: { docker_container: Record<string, SynthesizedContainer> } };
  const found = Object.values(parsed.resource.docker_container).find((c) => c.name === `${TEST_STACK}-${service}`);
  if (!found) throw new Error(`no container ${TEST_STACK}-${service}`);
  return found;
}

export const envOf = (container: SynthesizedContainer): Record<string, string> =>
  Object.fromEntries((container.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

/** A secret reference whose value token names it, so a test can see where it went. */
export const fakeSecret = (key: string): SecretRef => ({ secretName: 'fake', key, valueToken: `secret:${key}` });
