/** The local Docker engine as a deployment target. */
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Construct } from 'constructs';
import { FlinkSessionProps, IFlinkSession } from '../flink-session';
import { DockerProjectImages, ProjectImageRefs, projectImageBases } from '../images';
import { DockerPlatform } from '../platform/docker';
import { Endpoint } from '../platform/platform';
import { constrainProviderVersions } from '../provider-versions';
import { IDeploymentTarget } from '../target';
import { DockerFlinkSession } from './flink-session';

export interface DockerTargetProps {
  readonly stackName: string;
  /** Base image of the project's Flink image (official `flink` contract). */
  readonly flinkBaseImage: string;
  /** Base image of the injector and dashboard images (official `node` contract). */
  readonly nodeImage: string;
  /**
   * Docker engine address.
   * @default - the provider's default (`DOCKER_HOST` or the local socket)
   */
  readonly dockerHost?: string;
}

export class DockerTarget extends Construct implements IDeploymentTarget {
  readonly platform: DockerPlatform;
  readonly images: ProjectImageRefs;

  constructor(scope: Construct, id: string, props: DockerTargetProps) {
    super(scope, id);
    new DockerProvider(this, 'docker', { host: props.dockerHost });
    new RandomProvider(this, 'random');
    constrainProviderVersions(this);
    this.platform = new DockerPlatform(this, 'platform', { stackName: props.stackName });
    this.images = new DockerProjectImages(this, 'images', {
      platform: this.platform,
      baseImages: projectImageBases({ flink: props.flinkBaseImage, node: props.nodeImage }),
    }).refs;
  }

  createFlinkSession(scope: Construct, id: string, props: FlinkSessionProps): IFlinkSession {
    return new DockerFlinkSession(scope, id, { ...props, platform: this.platform });
  }

  browseUrl(_service: Endpoint, hostPort: number, bindAddress: string): string {
    return `http://${bindAddress}:${hostPort}/`;
  }
}
