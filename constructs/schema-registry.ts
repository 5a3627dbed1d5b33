/**
 * The schema registry the Avro input needs (`events.format: avro`): the project's Confluent-compatible
 * registry (schema-registry/), its state in a compacted topic the stack creates like its other topics
 * (so it is replicated as they are). Not published: only the injector and the Flink jobs use it.
 */
import { Construct } from 'constructs';
import { SCHEMA_REGISTRY_ENV } from '../common/contract';
import { IKafka } from './kafka';
import { kafkaClientEnv } from './kafka-client';
import { Endpoint, IPlatform, IService } from './platform/platform';

export interface SchemaRegistryProps {
  readonly platform: IPlatform;
  /** The project's schema-registry image. */
  readonly image: string;
  /** Where its topic lives. */
  readonly kafka: IKafka;
  /**
   * The topic holding the schemas.
   * @default '_schemas'
   */
  readonly topic?: string;
}

export const SCHEMA_REGISTRY_PORT = 8085;
export const DEFAULT_SCHEMAS_TOPIC = '_schemas';

export class SchemaRegistry extends Construct {
  readonly service: IService;
  readonly endpoint: Endpoint;
  /** The registry's URL for clients in the deployment. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    const topic = props.topic ?? DEFAULT_SCHEMAS_TOPIC;
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new Error(`SchemaRegistry: topic '${topic}' is not a Kafka topic name`);
    props.kafka.addTopic({ name: topic, partitions: 1, config: { 'cleanup.policy': 'compact' } });
    const client = kafkaClientEnv(props.kafka.client, SCHEMA_REGISTRY_ENV.kafka);
    this.service = props.platform.addService(this, {
      name: 'schema-registry',
      component: 'schema-registry',
      image: props.image,
      user: '1000',
      env: {
        [SCHEMA_REGISTRY_ENV.host]: '0.0.0.0',
        [SCHEMA_REGISTRY_ENV.port]: String(SCHEMA_REGISTRY_PORT),
        [SCHEMA_REGISTRY_ENV.kafkaBootstrapServers]: props.kafka.bootstrapServers,
        [SCHEMA_REGISTRY_ENV.topic]: topic,
        ...client.env,
      },
      secretEnv: client.secretEnv,
      files: client.files,
      ports: [{ name: 'http', containerPort: SCHEMA_REGISTRY_PORT }],
      // It listens only once it has read its topic to the end, so an answer means it knows every schema.
      health: {
        command: ['node', '-e', `fetch('http://127.0.0.1:${SCHEMA_REGISTRY_PORT}/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
        intervalSec: 5,
        retries: 60,
      },
      // Node serves from its image and writes nothing to disk: the topic is its state.
      readOnlyRootFilesystem: true,
      // A few requests per producer start and per job start: a twentieth of a core is plenty.
      resources: { cpuMillis: 50, memoryMiB: 256 },
      dependsOn: [props.kafka.ready],
      connectsTo: props.kafka.endpoints,
    });
    this.endpoint = this.service.endpoint();
    this.url = this.endpoint.url('http');
  }
}
