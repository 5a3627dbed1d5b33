/** A Kubernetes cluster (kind or any other) as a deployment target. */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Construct } from 'constructs';
import versions from '../../versions.json';
import { FlinkSessionProps, IFlinkSession } from '../flink-session';
import { PROJECT_IMAGE_NAMES, ProjectImageName, ProjectImageRefs, projectImageRef } from '../images';
import { ApiServerAddresses } from '../platform/k8s/network';
import { K8sPlatform } from '../platform/k8s/platform';
import { Endpoint } from '../platform/platform';
import { constrainProviderVersions } from '../provider-versions';
import { IDeploymentTarget } from '../target';
import { K8sFlinkSession } from './flink-session';

export interface K8sTargetProps {
  readonly stackName: string;
  /** Namespace created for the pipeline and its operator. */
  readonly namespace: string;
  /** kubeconfig file the kubernetes and helm providers use. */
  readonly kubeconfigPath: string;
  /**
   * kubeconfig context.
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
  /**
   * Registry prefix of the project images, e.g. `registry.example.com/team/`.
   * @default '' (images loaded into the nodes, e.g. with `kind load`)
   */
  readonly imageRegistry?: string;
  /**
   * The operator's Helm chart: a chart repository URL holding `flink-kubernetes-operator` at
   * versions.json's version, or the absolute path of an unpacked chart directory.
   */
  readonly operatorChart: string;
  /** The Flink Kubernetes Operator image, given to its chart. */
  readonly operatorImage: string;
  /**
   * Where the pods that use the Kubernetes API may send to reach it.
   * @default ANY_API_SERVER (anywhere on the usual API server ports)
   */
  readonly apiServer?: ApiServerAddresses;
}

export class K8sTarget extends Construct implements IDeploymentTarget {
  readonly platform: K8sPlatform;
  /** Built and loaded into the cluster (or pushed to `imageRegistry`) before deploy, e.g. by `npm run kind:up`. */
  readonly images: ProjectImageRefs;
  private readonly operatorChart: string;
  private readonly operatorImage: string;

  constructor(scope: Construct, id: string, props: K8sTargetProps) {
    super(scope, id);
    const { kubeconfigPath, context, namespace } = props;
    const imageRegistry = props.imageRegistry ?? '';
    const cluster = { configPath: kubeconfigPath, configContext: context };
    new KubernetesProvider(this, 'kubernetes', cluster);
    new HelmProvider(this, 'helm', { kubernetes: cluster });
    new RandomProvider(this, 'random');
    constrainProviderVersions(this);
    this.operatorChart = props.operatorChart;
    this.operatorImage = props.operatorImage;
    this.platform = new K8sPlatform(this, 'platform', { stackName: props.stackName, namespace, apiServer: props.apiServer });
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

  browseUrl(service: Endpoint, hostPort: number): string {
    // Services are ClusterIP only: the user forwards a local port first.
    return `http://127.0.0.1:${hostPort}/ after: kubectl -n ${this.platform.namespace} port-forward svc/${service.service} ${hostPort}:${service.port}`;
  }
}
