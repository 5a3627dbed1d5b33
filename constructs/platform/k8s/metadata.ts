/** The labels and metadata every object of a stack carries, and the labels that select a service's pods. */
export const STACK_LABEL = 'leaderboard.stack';
export const COMPONENT_LABEL = 'leaderboard.component';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const REPLICA_GROUP_LABEL = 'leaderboard.replica-group';

export type Labels = Record<string, string>;

/** The labels that select the pods of `service` in `stackName`. */
export const serviceSelector = (stackName: string, service: string): Labels => ({ [NAME_LABEL]: service, [STACK_LABEL]: stackName });

/** Labels of a service's pods: its selector and the recommended `app.kubernetes.io` set. */
export const podLabels = (stackName: string, service: string, component: string, replicaGroup?: string): Labels => ({
  ...serviceSelector(stackName, service),
  [COMPONENT_LABEL]: component,
  ...(replicaGroup ? { [REPLICA_GROUP_LABEL]: replicaGroup } : {}),
  'app.kubernetes.io/part-of': 'leaderboard-stack',
  'app.kubernetes.io/instance': stackName,
});

/** Metadata of a namespaced object of the stack. */
export interface ObjectMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
}
