/**
 * A Kafka the stack does not deploy (a managed service, a team's cluster): the pipeline's clients use
 * it with the security settings it needs, and the stack only creates the topics there.
 */
import { Construct } from 'constructs';
import { KafkaClientSecurity, PLAINTEXT, kafkaSecurityProblem } from '../common/kafka-client';
import { IKafka } from './kafka';
import { KafkaClient } from './kafka-client';
import { KafkaTopics, TopicSpec } from './kafka-topics';
import { Endpoint, IPlatform, IService, externalEndpoint } from './platform/platform';

export interface ExternalKafkaProps {
  readonly platform: IPlatform;
  /** Image following the `apache/kafka` image contract, for the task creating the topics. */
  readonly image: string;
  /** `host:port[,host:port...]`, reachable from the deployment. */
  readonly bootstrapServers: string;
  /** @default PLAINTEXT */
  readonly security?: KafkaClientSecurity;
  /**
   * The SASL password as a Terraform expression, e.g. a sensitive variable's value
   * (`TerraformVariable.stringValue`), so it is given at deploy time and never written into the stack.
   * Must not contain `"` or `\` (JAAS quoting). Required with a SASL protocol.
   */
  readonly password?: string;
  /**
   * Replicas of each topic the stack creates.
   * @default 3
   */
  readonly replicationFactor?: number;
  /**
   * Topics created (if missing) at deploy; more can be added with `addTopic`.
   * @default - none
   */
  readonly topics?: TopicSpec[];
}

export class ExternalKafka extends Construct implements IKafka {
  /** The bootstrap servers, outside the deployment. */
  readonly endpoints: Endpoint[];
  readonly bootstrapServers: string;
  readonly client: KafkaClient;
  readonly ready: IService;
  private readonly topics: KafkaTopics;

  constructor(scope: Construct, id: string, props: ExternalKafkaProps) {
    super(scope, id);
    if (!/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/.test(props.bootstrapServers)) {
      throw new Error(`bootstrapServers must be host:port[,host:port...], got '${props.bootstrapServers}'`);
    }
    const security = props.security ?? PLAINTEXT;
    const problem = kafkaSecurityProblem(security, props.password !== undefined);
    if (problem) throw new Error(`external Kafka: ${problem}`);
    this.bootstrapServers = props.bootstrapServers;
    this.endpoints = props.bootstrapServers.split(',').map((server) => {
      const colon = server.lastIndexOf(':');
      return externalEndpoint(server.slice(0, colon), Number(server.slice(colon + 1)));
    });
    this.client = {
      security,
      password: props.password === undefined ? undefined : props.platform.secret(this, 'kafka-credentials', { password: props.password }).ref('password'),
    };
    this.topics = new KafkaTopics(this, 'topics', {
      platform: props.platform,
      image: props.image,
      bootstrapServers: this.bootstrapServers,
      client: this.client,
      replicationFactor: props.replicationFactor ?? 3,
      dependsOn: [],
      connectsTo: this.endpoints,
    });
    for (const topic of props.topics ?? []) this.topics.add(topic);
    this.ready = this.topics.ready;
  }

  addTopic(topic: TopicSpec): void {
    this.topics.add(topic);
  }
}
