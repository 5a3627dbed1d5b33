/** A Kubernetes cluster (kind or any other) as a deployment target. */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Construct } from 'constructs';
import versions from '../../versions.json';
import type { KubernetesConfig } from '../../stacks/config';
import { FlinkSessionProps, IFlinkSession } from '../flink-session';
import { PROJECT_IMAGE_NAMES, ProjectImageName, ProjectImageRefs, projectImageRef } from '../images';
import { K8sPlatform } from '../platform/k8s';
import { constrainProviderVersions } from '../provider-versions';
import { IDeploymentTarget } from '../target';
import { K8sFlinkSession } from './flink-session';

export interface K8sTargetProps {
  readonly stackName: string;
  readonly kubernetes: KubernetesConfig;
  /** The Flink Kubernetes Operator image, given to its chart. */
  readonly operatorImage: string;
}

export class K8sTarget extends Construct implements IDeploymentTarget {
  readonly platform: K8sPlatform;
  /** Built and loaded into the cluster (or pushed to `imageRegistry`) before deploy, e.g. by scripts/kind-up.sh. */
  readonly images: ProjectImageRefs;
  private readonly operatorChart: string;
  private readonly operatorImage: string;

  constructor(scope: Construct, id: string, props: K8sTargetProps) {
    super(scope, id);
    const { kubeconfigPath, context, namespace, imageRegistry } = props.kubernetes;
    const cluster = { configPath: kubeconfigPath, configContext: context ?? undefined };
    new KubernetesProvider(this, 'kubernetes', cluster);
    new HelmProvider(this, 'helm', { kubernetes: cluster });
    new RandomProvider(this, 'random');
    constrainProviderVersions(this);
    this.operatorChart = props.kubernetes.operatorChart;
    this.operatorImage = props.operatorImage;
    this.platform = new K8sPlatform(this, 'platform', { stackName: props.stackName, namespace });
    this.images = Object.fromEntries(
      PROJECT_IMAGE_NAMES.map((name) => [name, projectImageRef(name, imageRegistry)]),
    ) as Record<ProjectImageName, string>;
  }

  createFlinkSession(scope: Construct, id: string, props: FlinkSessionProps): IFlinkSession {
    return new K8sFlinkSession(scope, id, {
      ...props,
      platform: this.platform,
      operator: { version: versions.flinkKubernetesOperator, chart: this.operatorChart, image: this.operatorImage },
      nodeImage: this.images.dashboard,
    });
  }
}
