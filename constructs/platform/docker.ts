/**
 * The Docker target: one private network on which every service reaches every other by name (so a
 * service's declared connections need no rules here, only endpoints of services on that network),
 * named volumes, one container per service and one per init step.
 */
import { Container, ContainerConfig } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import { generatePasswords } from './passwords';
import { Endpoint, IPlatform, IService, Lifecycle, ServiceSpec, StoredSecret, serviceHandle, storedSecret, terraformLiteral } from './platform';

export interface DockerPlatformProps {
  /** Stack name: prefix of every container, network and volume, and value of `leaderboard.stack`. */
  readonly stackName: string;
  /**
   * How long deploy waits for a container to become healthy (or a task to finish).
   * @default 300
   */
  readonly waitTimeoutSec?: number;
}

const STACK_LABEL = 'leaderboard.stack';
const COMPONENT_LABEL = 'leaderboard.component';

/** Go's duration format, in which the engine reports durations back: `300s` would show as a change to `5m0s` on every plan. */
const seconds = (s: number): string => {
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0 ? `${h}h${m}m${r}s` : m > 0 ? `${m}m${r}s` : `${r}s`;
};

const RESTART_POLICY: Record<Lifecycle, string> = { service: 'unless-stopped', task: 'no', batch: 'on-failure' };

/**
 * Every container: its log rotated (at most 3 files of 10 MB, so a chatty or looping process never
 * fills the host's disk), no capability (every service runs as a non-root user on ports above 1024),
 * and no privilege gained through setuid binaries.
 */
export const CONTAINER_HARDENING = {
  logDriver: 'json-file',
  logOpts: { 'max-size': '10m', 'max-file': '3' },
  capabilities: { drop: ['ALL'] },
  securityOpts: ['no-new-privileges'],
} as const satisfies Partial<ContainerConfig>;

export class DockerPlatform extends Construct implements IPlatform {
  readonly stackName: string;
  readonly network: Network;
  private readonly waitTimeoutSec: number;
  private readonly images = new Map<string, Image>();
  private readonly volumes = new Map<string, Volume>();
  private readonly services = new Set<string>();

  constructor(scope: Construct, id: string, props: DockerPlatformProps) {
    super(scope, id);
    this.stackName = props.stackName;
    this.waitTimeoutSec = props.waitTimeoutSec ?? 300;
    this.network = new Network(this, 'network', {
      name: `${this.stackName}-net`,
      labels: [{ label: STACK_LABEL, value: this.stackName }],
    });
  }

  generatedSecret(scope: Construct, name: string, keys: string[]): StoredSecret {
    return this.secret(scope, name, generatePasswords(scope, name, keys));
  }

  /** Containers get secret values in their environment; Docker has no secret store outside Swarm. */
  secret(_scope: Construct, name: string, values: Readonly<Record<string, string>>): StoredSecret {
    return storedSecret(name, values);
  }

  /** An image that must exist locally or be pullable; shared by every container that names it. */
  image(reference: string): Image {
    let image = this.images.get(reference);
    if (!image) {
      image = new Image(this, `image-${this.images.size}`, { name: reference, keepLocally: true });
      this.images.set(reference, image);
    }
    return image;
  }

  /** Registers an image the stack builds itself, so services can name it by reference. */
  registerBuiltImage(reference: string, image: Image): void {
    this.images.set(reference, image);
  }

  private volume(name: string): Volume {
    let volume = this.volumes.get(name);
    if (!volume) {
      volume = new Volume(this, `volume-${name}`, {
        name: `${this.stackName}-${name}`,
        labels: [{ label: STACK_LABEL, value: this.stackName }],
      });
      this.volumes.set(name, volume);
    }
    return volume;
  }

  /** One network, so a connection needs no rule; the check keeps declarations honest on both targets. */
  connect(_scope: Construct, client: IService, endpoints: Endpoint[]): void {
    this.checkConnections(client.name, endpoints);
  }

  private checkConnections(client: string, endpoints: readonly Endpoint[]): void {
    for (const target of endpoints) {
      if (!target.external && !this.services.has(target.service)) {
        throw new Error(`service '${client}' connects to '${target.address}', which is not a service of this stack`);
      }
    }
  }

  addService(scope: Construct, spec: ServiceSpec): IService {
    this.checkConnections(spec.name, spec.connectsTo ?? []);
    const lifecycle = spec.lifecycle ?? 'service';
    const task = lifecycle === 'task';
    const env = [
      ...Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ...Object.entries(spec.secretEnv ?? {}).map(([k, ref]) => `${k}=${ref.valueToken}`),
    ];
    // Scratch space is a volume of its own per service, so the init container can fill it.
    const scratch = (spec.scratchVolumes ?? []).map((v) => ({ volumeName: this.volume(`${spec.name}-${v.name}`).name, containerPath: v.mountPath }));
    const init = spec.init && this.task(scope, `${spec.name}-${spec.init.name}`, {
      ...CONTAINER_HARDENING,
      image: this.image(spec.init.image).imageId,
      entrypoint: spec.init.command,
      user: spec.user,
      memory: spec.resources.memoryMiB,
      memorySwap: spec.resources.memoryMiB,
      labels: this.labels(spec),
      volumes: scratch,
    });
    const container = new Container(scope, spec.name, {
      ...CONTAINER_HARDENING,
      name: `${this.stackName}-${spec.name}`,
      hostname: spec.name,
      image: this.image(spec.image).imageId,
      entrypoint: spec.entrypoint,
      command: spec.command,
      env: env.length ? env : undefined,
      user: spec.user,
      // The engine copies no file into a read-only container: one that is given files keeps a writable root.
      readOnly: spec.readOnlyRootFilesystem && !(spec.files ?? []).length,
      memory: spec.resources.memoryMiB,
      // Stated explicitly (no swap), else the engine's default shows up as a change on every plan.
      memorySwap: spec.resources.memoryMiB,
      labels: this.labels(spec),
      networksAdvanced: [{ name: this.network.name, aliases: [spec.name] }],
      ports: (spec.ports ?? [])
        .filter((p) => p.publish)
        .map((p) => ({ internal: p.containerPort, external: p.publish!.hostPort, ip: p.publish!.bindAddress })),
      volumes: [
        ...(spec.volumes ?? []).map((v) => ({ volumeName: this.volume(v.name).name, containerPath: v.mountPath })),
        ...scratch,
      ],
      upload: (spec.files ?? []).map((f) => ({ file: f.path, content: terraformLiteral(f.content), executable: f.executable ?? false })),
      healthcheck: spec.health && {
        test: ['CMD', ...spec.health.command],
        interval: seconds(spec.health.intervalSec ?? 5),
        timeout: seconds(spec.health.timeoutSec ?? 5),
        retries: spec.health.retries ?? 30,
        startPeriod: seconds(spec.health.startPeriodSec ?? 5),
      },
      restart: RESTART_POLICY[lifecycle],
      // A finished run stays as it is, so a second deploy sees no change and does not run it again.
      mustRun: lifecycle === 'service',
      attach: task,
      logs: task,
      wait: lifecycle === 'service' && spec.health !== undefined,
      waitTimeout: this.waitTimeoutSec,
      dependsOn: [...(spec.dependsOn ?? []).map((s) => s.dependable), ...(init ? [init] : [])],
      lifecycle: task ? this.mustSucceed(spec.name) : undefined,
    });
    this.services.add(spec.name);
    return serviceHandle(spec, container);
  }

  private labels(spec: ServiceSpec) {
    return [
      { label: STACK_LABEL, value: this.stackName },
      { label: COMPONENT_LABEL, value: spec.component },
    ];
  }

  /** The provider waits for an attached container but not for its success; this makes a failed task fail the deploy. */
  private mustSucceed(name: string) {
    return { postcondition: [{ condition: '${self.exit_code == 0}', errorMessage: `${name} failed: see docker logs ${this.stackName}-${name}` }] };
  }

  /** A container run once to completion before the service that needs it. */
  private task(scope: Construct, name: string, config: Omit<ContainerConfig, 'name'>): Container {
    return new Container(scope, name, {
      ...config,
      name: `${this.stackName}-${name}`,
      restart: 'no',
      mustRun: false,
      attach: true,
      logs: true,
      lifecycle: this.mustSucceed(name),
    });
  }
}
