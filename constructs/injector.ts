/** The game-event injector: simulated live play produced into the input topic. */
import { Construct } from 'constructs';
import { INJECTOR_ENV } from '../common/contract';
import { IKafka } from './kafka';
import { kafkaClientEnv } from './kafka-client';
import { IPlatform, IService } from './platform/platform';
import { SchemaRegistry } from './schema-registry';

export interface InjectorProps {
  readonly platform: IPlatform;
  readonly image: string;
  readonly kafka: IKafka;
  /** Topic the events go to. */
  readonly topic: string;
  /**
   * Mean events per second.
   * @default 20
   */
  readonly eventsPerSecond?: number;
  /**
   * Stop after this many events (then the container exits 0 and stays stopped); 0 runs forever.
   * @default 0
   */
  readonly maxEvents?: number;
  /**
   * Seed of the simulation, for reproducible runs.
   * @default - a fresh seed on every start
   */
  readonly seed?: number;
  /**
   * Write Avro in Confluent's wire format, its schema registered with this registry.
   * @default - JSON
   */
  readonly schemaRegistry?: SchemaRegistry;
}

export class Injector extends Construct {
  readonly service: IService;

  constructor(scope: Construct, id: string, props: InjectorProps) {
    super(scope, id);
    const maxEvents = props.maxEvents ?? 0;
    const client = kafkaClientEnv(props.kafka.client, INJECTOR_ENV.kafka);
    this.service = props.platform.addService(this, {
      name: 'injector',
      component: 'injector',
      image: props.image,
      user: '1000',
      env: {
        [INJECTOR_ENV.bootstrapServers]: props.kafka.bootstrapServers,
        [INJECTOR_ENV.topic]: props.topic,
        [INJECTOR_ENV.avgQps]: String(props.eventsPerSecond ?? 20),
        [INJECTOR_ENV.maxEvents]: String(maxEvents),
        ...(props.seed === undefined ? {} : { [INJECTOR_ENV.seed]: String(props.seed) }),
        ...(props.schemaRegistry ? { [INJECTOR_ENV.format]: 'avro', [INJECTOR_ENV.schemaRegistryUrl]: props.schemaRegistry.url } : {}),
        ...client.env,
      },
      secretEnv: client.secretEnv,
      files: client.files,
      // A finite run finishes once in the background, and a redeploy does not replay it.
      lifecycle: maxEvents > 0 ? 'batch' : 'service',
      // Node serves from its image and writes nothing to disk.
      readOnlyRootFilesystem: true,
      resources: { cpuMillis: 250, memoryMiB: 256 },
      dependsOn: [props.kafka.ready, ...(props.schemaRegistry ? [props.schemaRegistry.service] : [])],
      connectsTo: [...props.kafka.endpoints, ...(props.schemaRegistry ? [props.schemaRegistry.endpoint] : [])],
    });
  }
}
