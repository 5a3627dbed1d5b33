/** A deployment target: where services run and how a Flink session is made there. */
import { Construct } from 'constructs';
import { FlinkSessionProps, IFlinkSession } from './flink-session';
import { ProjectImageRefs } from './images';
import { Endpoint, IPlatform } from './platform/platform';

export interface IDeploymentTarget {
  readonly platform: IPlatform;
  /** The project's images as this target names them. */
  readonly images: ProjectImageRefs;
  createFlinkSession(scope: Construct, id: string, props: FlinkSessionProps): IFlinkSession;
  /**
   * How a user on their machine opens a service published as `hostPort` on `bindAddress`: a URL, or
   * on a target without published ports the command that forwards one first.
   */
  browseUrl(service: Endpoint, hostPort: number, bindAddress: string): string;
}
