/**
 * The shared interface between the pipeline's components and a deployment target. A component
 * describes its containers once, target-neutrally (`ServiceSpec`); the Docker and Kubernetes
 * platforms turn that into containers or workloads. Only what truly differs by target (the Flink
 * session and job submission) has target-specific constructs.
 */
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Value of the `leaderboard.component` label. */
export type Component = 'kafka' | 'postgres' | 'jobmanager' | 'taskmanager' | 'submitter' | 'sql-client' | 'injector' | 'dashboard' | 'schema-registry';

/** A reference to one secret value; never the value itself. */
export interface SecretRef {
  readonly secretName: string;
  readonly key: string;
  /** The value as a Terraform expression token, for targets that pass it directly. */
  readonly valueToken: string;
}

/** Secret values kept by the target's secret mechanism, handed out by key. */
export interface StoredSecret {
  readonly name: string;
  ref(key: string): SecretRef;
}

/** The refs of `values` (key to Terraform expression) stored under `name`. */
export function storedSecret(name: string, values: Readonly<Record<string, string>>): StoredSecret {
  return {
    name,
    ref: (key) => {
      const valueToken = values[key];
      if (valueToken === undefined) throw new Error(`secret '${name}' has no key '${key}'; keys: ${Object.keys(values).join(', ')}`);
      return { secretName: name, key, valueToken };
    },
  };
}

export interface PortSpec {
  readonly name: string;
  readonly containerPort: number;
  /** Publish on the host / outside the namespace. */
  readonly publish?: { readonly hostPort: number; readonly bindAddress: string };
}

export interface HealthSpec {
  /** Command run inside the container; exit 0 means healthy (ready to serve its dependents). */
  readonly command: string[];
  /**
   * Where alive differs from healthy (a server that reports its dependencies down is still alive):
   * the command whose failure means the process itself is stuck. Kubernetes restarts a container
   * only when this fails.
   * @default - the health command
   */
  readonly liveness?: string[];
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

/** An empty volume that lives as long as one instance of the service: scratch space shared with `init`. */
export interface ScratchVolumeSpec {
  readonly name: string;
  readonly mountPath: string;
}

/** A container run to completion before the service starts, with the service's scratch volumes mounted. */
export interface InitSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
}

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
  readonly scratchVolumes?: ScratchVolumeSpec[];
  readonly init?: InitSpec;
  readonly files?: FileSpec[];
  readonly health?: HealthSpec;
  /** uid[:gid] the container runs as. */
  readonly user: string;
  /**
   * The process writes nothing outside its volumes, so its root file system is mounted read-only
   * (on Docker only when it is given no `files`: the engine cannot copy into a read-only container).
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
  readonly resources: ResourceSpec;
  readonly lifecycle?: Lifecycle;
  /** Services that must be healthy (or tasks completed) before this one starts. */
  readonly dependsOn?: IService[];
  /**
   * The endpoints this service opens connections to. Where the target isolates services
   * (Kubernetes NetworkPolicies), these are the only ones it may reach.
   * @default - none
   */
  readonly connectsTo?: Endpoint[];
  /**
   * Services that are replicas of one another under this name (Kafka's brokers). Where the target has
   * nodes (Kubernetes) they spread across them, and a PodDisruptionBudget lets a drain evict only one
   * at a time; one Docker host has nothing to spread.
   * @default - none
   */
  readonly replicaGroup?: string;
  /**
   * Reachable by name before its health check passes: for peers whose health needs each other (a
   * KRaft quorum elects its leader before any broker is healthy). Kubernetes otherwise routes a
   * Service only to ready pods.
   * @default false
   */
  readonly reachableBeforeHealthy?: boolean;
}

/** One port of a service, as its clients address it inside the deployment. */
export interface Endpoint {
  /** The service's name, which is also its host name. */
  readonly service: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  /** `scheme://host:port` followed by `path` (e.g. `/jobs`). */
  url(scheme: string, path?: string): string;
  /**
   * Served outside the deployment (a managed Kafka, a team's database): `service` is its host, and
   * the target cannot tell its pods apart from the rest of the world.
   */
  readonly external?: boolean;
}

/** The endpoint of `service`'s `port`. */
export function endpoint(service: string, port: number): Endpoint {
  const address = `${service}:${port}`;
  return { service, host: service, port, address, url: (scheme, path = '') => `${scheme}://${address}${path}` };
}

/** The endpoint of `port` on `host`, outside the deployment. */
export function externalEndpoint(host: string, port: number): Endpoint {
  return { ...endpoint(host, port), external: true };
}

export interface IService {
  readonly name: string;
  /** The resource others order themselves after. */
  readonly dependable: ITerraformDependable;
  /**
   * The endpoint of the port called `portName`, or of the service's only port.
   * @throws when the service has no such port, or several and none is named
   */
  endpoint(portName?: string): Endpoint;
}

/** The handle `addService` returns for `spec`, ordered by `dependable`. */
export function serviceHandle(spec: ServiceSpec, dependable: ITerraformDependable): IService {
  const ports = spec.ports ?? [];
  return {
    name: spec.name,
    dependable,
    endpoint(portName?: string): Endpoint {
      const port = portName === undefined && ports.length === 1 ? ports[0] : ports.find((p) => p.name === portName);
      if (!port) {
        const names = ports.map((p) => p.name).join(', ') || 'none';
        throw new Error(`service '${spec.name}' has no port ${portName === undefined ? 'to pick without a name' : `'${portName}'`} (ports: ${names})`);
      }
      return endpoint(spec.name, port.containerPort);
    },
  };
}

export interface IPlatform {
  /** Stack name, carried by every resource as `leaderboard.stack`. */
  readonly stackName: string;
  addService(scope: Construct, spec: ServiceSpec): IService;
  /**
   * Declares connections `client` opens to services added after it: peers that talk both ways (a
   * broker quorum) cannot all name each other in `connectsTo`.
   */
  connect(scope: Construct, client: IService, endpoints: Endpoint[]): void;
  /** Random passwords generated at deploy time, stored by the target's secret mechanism. */
  generatedSecret(scope: Construct, name: string, keys: string[]): StoredSecret;
  /**
   * Values given as Terraform expressions (e.g. a sensitive variable's value, so a password the user
   * holds is set at deploy time and never written into the stack), stored like generated ones.
   */
  secret(scope: Construct, name: string, values: Readonly<Record<string, string>>): StoredSecret;
}

/**
 * Terraform reads `${` and `%{` in any string as template syntax, so a platform escapes literal text
 * it hands over (scripts, SQL with the runner's `${VAR}` placeholders); cdktf's own unresolved tokens
 * are left alone.
 */
export const terraformLiteral = (text: string): string => text.replace(/([$%])\{(?!TfToken\[)/g, '$1$1{');
