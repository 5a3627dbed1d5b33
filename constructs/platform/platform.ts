/**
 * The shared interface between the pipeline's components and a deployment target. A component
 * describes its containers once, target-neutrally (`ServiceSpec`); the Docker and Kubernetes
 * platforms turn that into containers or workloads. Only what truly differs by target (the Flink
 * session and job submission) has target-specific constructs.
 */
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Value of the `leaderboard.component` label. */
export type Component = 'kafka' | 'postgres' | 'jobmanager' | 'taskmanager' | 'submitter' | 'injector' | 'dashboard';

/** A reference to one generated secret value; never the value itself. */
export interface SecretRef {
  readonly secretName: string;
  readonly key: string;
  /** The value as a Terraform expression token, for targets that pass it directly. */
  readonly valueToken: string;
}

export interface GeneratedSecret {
  readonly name: string;
  ref(key: string): SecretRef;
}

export interface PortSpec {
  readonly name: string;
  readonly containerPort: number;
  /** Publish on the host / outside the namespace. */
  readonly publish?: { readonly hostPort: number; readonly bindAddress: string };
}

export interface HealthSpec {
  /** Command run inside the container; exit 0 means healthy. */
  readonly command: string[];
  readonly intervalSec?: number;
  readonly timeoutSec?: number;
  readonly retries?: number;
  readonly startPeriodSec?: number;
}

export interface FileSpec {
  /** Absolute path inside the container. */
  readonly path: string;
  readonly content: string;
  readonly executable?: boolean;
}

export interface ResourceSpec {
  /** CPU request in millicores. */
  readonly cpuMillis: number;
  /** Memory limit (and request) in MiB. */
  readonly memoryMiB: number;
}

export type Lifecycle =
  /** Runs for ever, restarted on failure. */
  | 'service'
  /** Runs once to completion; the deployment waits for it and fails if it fails. */
  | 'task'
  /** Runs to completion in the background (restarted on failure); the deployment does not wait. */
  | 'batch';

export interface ServiceSpec {
  /** Service name; also the host name other services use. */
  readonly name: string;
  readonly component: Component;
  /** Image reference (for project images, the built image's id or tag). */
  readonly image: string;
  readonly entrypoint?: string[];
  readonly command?: string[];
  readonly env?: Record<string, string>;
  readonly secretEnv?: Record<string, SecretRef>;
  readonly ports?: PortSpec[];
  /** Persistent volumes, keyed by mount path. */
  readonly volumes?: { readonly name: string; readonly mountPath: string; readonly sizeGiB?: number }[];
  readonly files?: FileSpec[];
  readonly health?: HealthSpec;
  /** uid[:gid] the container runs as. */
  readonly user: string;
  readonly resources: ResourceSpec;
  readonly lifecycle?: Lifecycle;
  /** Services that must be healthy (or tasks completed) before this one starts. */
  readonly dependsOn?: IService[];
}

/** A service's name and port inside the deployment. */
export interface ServiceAddress {
  readonly name: string;
  readonly port: number;
}

export interface IService {
  readonly name: string;
  /** The resource others order themselves after. */
  readonly dependable: ITerraformDependable;
}

export interface IPlatform {
  /** Stack name, carried by every resource as `leaderboard.stack`. */
  readonly stackName: string;
  addService(scope: Construct, spec: ServiceSpec): IService;
  /** Random passwords generated at deploy time, stored by the target's secret mechanism. */
  generatedSecret(scope: Construct, name: string, keys: string[]): GeneratedSecret;
  /** Host name under which a service is reached by other services. */
  serviceHost(name: string): string;
}

/**
 * Terraform reads `${` and `%{` in any string as template syntax, so a platform escapes literal text
 * it hands over (scripts, SQL with the runner's `${VAR}` placeholders); cdktf's own unresolved tokens
 * are left alone.
 */
export const terraformLiteral = (text: string): string => text.replace(/([$%])\{(?!TfToken\[)/g, '$1$1{');
