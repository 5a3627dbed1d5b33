/**
 * Runs a command inside a running service of a deployed stack, attached to this terminal: `docker exec`
 * into its container or `kubectl exec` into its pod (found by its component label). `npm run psql` and
 * `npm run sql` start their clients this way, so they need no published port and no password typed.
 */
import { openSync } from 'node:fs';
import { COMPONENT_LABEL } from '../../constructs/platform/k8s/metadata';
import { Component } from '../../constructs/platform/platform';
import { StackDefinition } from '../../stacks/stack-list';
import { fail } from './cli';
import { KUBECTL, deployedConfig, kubectlArgs } from './deployed-stack';
import { attached, output } from './processes';

export interface ServiceInStack {
  /** The service's name: its container is `<stack>-<name>`, its pod's container `<name>`. */
  readonly name: string;
  readonly component: Component;
  /** What it is, for the message when it is not running, e.g. `PostgreSQL`. */
  readonly title: string;
}

/**
 * Resolves with the command's exit status. `stdinFile` is sent as its stdin instead of the terminal;
 * with neither a file nor a terminal, this process's stdin is passed on.
 */
export async function execInService(stack: StackDefinition, service: ServiceInStack, command: readonly string[], stdinFile?: string): Promise<number> {
  const stdin = stdinFile === undefined ? 'inherit' : openSync(stdinFile, 'r');
  const terminal = stdinFile === undefined && process.stdin.isTTY ? ['-it'] : ['-i'];
  if (stack.target === 'docker') {
    const container = `${stack.name}-${service.name}`;
    if (output('docker', ['inspect', '-f', '{{.State.Running}}', container]) !== 'true') {
      fail(`no running ${service.title} container ${container}: deploy the stack first (npm run deploy -- ${stack.name})`);
    }
    return attached('docker', ['exec', ...terminal, container, ...command], 'inherit', undefined, stdin);
  }
  const config = deployedConfig(stack.name);
  const kubectl = kubectlArgs(config);
  const pod = output(KUBECTL, [...kubectl, 'get', 'pods', '-l', `${COMPONENT_LABEL}=${service.component}`, '--field-selector', 'status.phase=Running', '-o', 'jsonpath={.items[0].metadata.name}']);
  if (!pod) fail(`no running ${service.title} pod in namespace ${config.kubernetes.namespace}: deploy the stack first (npm run kind:up -- ${stack.name})`);
  return attached(KUBECTL, [...kubectl, 'exec', ...terminal, pod, '-c', service.name, '--', ...command], 'inherit', undefined, stdin);
}
