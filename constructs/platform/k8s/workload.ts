/**
 * The workload kind a service gets: a Job for a task or batch (runs to completion), a StatefulSet
 * for a service that keeps data on persistent volumes, a Deployment otherwise.
 */
import { DeploymentV1, DeploymentV1SpecTemplate } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceSpec } from '../platform';
import { Labels, ObjectMetadata, STACK_LABEL } from './metadata';

export type Workload = DeploymentV1 | StatefulSetV1 | JobV1;

export interface WorkloadOptions {
  readonly metadata: ObjectMetadata;
  readonly selector: Labels;
  readonly template: DeploymentV1SpecTemplate;
  readonly stackName: string;
  /** How long deploy waits for the rollout, or for a task to complete. */
  readonly waitTimeout: string;
  readonly dependsOn: ITerraformDependable[];
}

export const runsToCompletion = (spec: ServiceSpec): boolean => (spec.lifecycle ?? 'service') !== 'service';

export function workload(scope: Construct, spec: ServiceSpec, o: WorkloadOptions): Workload {
  const lifecycle = spec.lifecycle ?? 'service';
  const common = { metadata: o.metadata, timeouts: { create: o.waitTimeout, update: o.waitTimeout }, dependsOn: o.dependsOn };
  if (runsToCompletion(spec)) {
    if (spec.volumes?.length) throw new Error(`service '${spec.name}': a ${lifecycle} cannot keep persistent volumes`);
    return new JobV1(scope, spec.name, {
      ...common,
      // A completed Job stays, so a redeploy that changes nothing does not run it again.
      spec: { backoffLimit: 10, template: o.template },
      // A task's failure (backoff limit reached) fails the deploy; a batch runs on in the background.
      waitForCompletion: lifecycle === 'task',
    });
  }
  if (spec.volumes?.length) {
    return new StatefulSetV1(scope, spec.name, {
      ...common,
      spec: {
        serviceName: spec.name,
        replicas: '1',
        selector: { matchLabels: o.selector },
        template: o.template,
        volumeClaimTemplate: spec.volumes.map((v) => ({
          metadata: { name: v.name, labels: { [STACK_LABEL]: o.stackName } },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${v.sizeGiB ?? 1}Gi` } } },
        })),
      },
      waitForRollout: true,
    });
  }
  return new DeploymentV1(scope, spec.name, {
    ...common,
    spec: { replicas: '1', selector: { matchLabels: o.selector }, template: o.template },
    waitForRollout: true,
  });
}
