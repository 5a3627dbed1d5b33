/** PodDisruptionBudgets: how many pods of a group a voluntary disruption (a node drain) may take at once. */
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { Construct } from 'constructs';
import { Labels, ObjectMetadata } from './metadata';

/**
 * Lets a voluntary disruption (a node drain) evict one pod of `selector` at a time: replicas of one
 * another (a broker quorum, TaskManagers) then keep their majority.
 */
export function disruptionBudget(scope: Construct, metadata: ObjectMetadata, selector: Labels): PodDisruptionBudgetV1 {
  return new PodDisruptionBudgetV1(scope, `${metadata.name}-disruption-budget`, {
    metadata,
    spec: { maxUnavailable: '1', selector: { matchLabels: selector } },
  });
}
