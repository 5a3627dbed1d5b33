import { spawnSync } from 'node:child_process';
import { Container } from '@cdktf/provider-docker/lib/container';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { KAFKA_PASSWORD_ENV } from '../../common/kafka-client';
import { ExternalKafka } from '../external-kafka';
import { Injector } from '../injector';
import { createTopicsScript } from '../kafka-topics';
import { TEST_STACK, containerOf, envOf, resourcesOf, synthOnDocker, synthOnK8s } from '../../test-support/constructs';

const SASL = { securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'lb' } } as const;
const PASSWORD = '${var.kafka_password}';

describe('ExternalKafka', () => {
  it('deploys no broker, only the task creating the topics there, replicated 3 times by default', () => {
    let kafka: ExternalKafka | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      kafka = new ExternalKafka(scope, 'kafka', { platform, image: 'kafka:test', bootstrapServers: 'b1.example:9092,b2.example:9092', topics: [{ name: 'in', partitions: 6 }] });
    });
    expect(kafka!.endpoints.map((e) => [e.address, e.external])).toEqual([['b1.example:9092', true], ['b2.example:9092', true]]);
    expect(kafka!.bootstrapServers).toBe('b1.example:9092,b2.example:9092');
    expect(resourcesOf(synthesized, 'docker_container').map((c) => c.name)).toEqual([`${TEST_STACK}-kafka-topics`]);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      command: [createTopicsScript('b1.example:9092,b2.example:9092', [{ name: 'in', partitions: 6 }], 3)],
      restart: 'no',
    });
  });

  it('gives its clients the SASL settings and the password as a secret, never in the text', () => {
    let kafka: ExternalKafka | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      kafka = new ExternalKafka(scope, 'kafka', { platform, image: 'kafka:test', bootstrapServers: 'b.example:9096', security: SASL, password: PASSWORD });
      new Injector(scope, 'injector', { platform, image: 'injector:test', kafka, topic: 'in' });
    });
    expect(kafka!.client.security).toEqual(SASL);
    expect(kafka!.client.password?.valueToken).toBe(PASSWORD);
    expect(envOf(containerOf(synthesized, 'kafka-topics'))[KAFKA_PASSWORD_ENV]).toBe(PASSWORD);
    expect(envOf(containerOf(synthesized, 'injector'))).toMatchObject({
      INJECTOR_BOOTSTRAP_SERVERS: 'b.example:9096',
      INJECTOR_SECURITY_PROTOCOL: 'SASL_SSL',
      INJECTOR_SASL_MECHANISM: 'SCRAM-SHA-512',
      INJECTOR_SASL_USERNAME: 'lb',
      INJECTOR_SASL_PASSWORD: PASSWORD,
    });
    expect(containerOf(synthesized, 'kafka-topics').command!.join('\n')).not.toContain('var.kafka_password');
  });

  it('hands a CA certificate to the kafkajs clients as a file, and to the topics task inline', () => {
    const caCertificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const synthesized = synthOnDocker((scope, platform) => {
      const kafka = new ExternalKafka(scope, 'kafka', { platform, image: 'kafka:test', bootstrapServers: 'b.example:9096', security: { ...SASL, caCertificate }, password: PASSWORD });
      new Injector(scope, 'injector', { platform, image: 'injector:test', kafka, topic: 'in' });
    });
    const injector = containerOf(synthesized, 'injector');
    expect(envOf(injector).INJECTOR_SSL_CA_FILE).toBe('/tmp/leaderboard-kafka-ca.pem');
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-injector`,
      upload: [{ file: '/tmp/leaderboard-kafka-ca.pem', content: caCertificate, executable: false }],
    });
    expect(containerOf(synthesized, 'kafka-topics').command![0]).toContain(
      "'ssl.truststore.type=PEM' 'ssl.truststore.certificates=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----'",
    );
  });

  it('keeps the password in a Kubernetes Secret, and lets the topics task send to the bootstrap ports only, anywhere', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      new ExternalKafka(scope, 'kafka', { platform, image: 'kafka:test', bootstrapServers: 'b.example:9096,10.0.0.7:9097', security: SASL, password: PASSWORD });
    });
    expect(synthesized).toHaveResourceWithProperties(SecretV1, { metadata: expect.objectContaining({ name: 'kafka-credentials' }), data: { password: PASSWORD } });
    expect(synthesized).toHaveResource(JobV1);
    const policies = Object.fromEntries(resourcesOf(synthesized, 'kubernetes_network_policy_v1').map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(policies).sort()).toEqual(['allow-dns-egress', 'default-deny-egress', 'default-deny-ingress', 'kafka-topics-to-external']);
    expect(policies['kafka-topics-to-external']).toEqual({
      pod_selector: { match_labels: expect.objectContaining({ 'app.kubernetes.io/name': 'kafka-topics' }) },
      policy_types: ['Egress'],
      egress: [{ to: [{ ip_block: { cidr: '0.0.0.0/0' } }], ports: [{ port: '9096', protocol: 'TCP' }, { port: '9097', protocol: 'TCP' }] }],
    });
  });

  it('refuses settings that cannot work', () => {
    synthOnDocker((scope, platform) => {
      expect(() => new ExternalKafka(scope, 'a', { platform, image: 'k', bootstrapServers: 'nohost' })).toThrow(/host:port/);
      expect(() => new ExternalKafka(scope, 'b', { platform, image: 'k', bootstrapServers: 'h:1', security: SASL })).toThrow(/needs a SASL password/);
      expect(() => new ExternalKafka(scope, 'c', { platform, image: 'k', bootstrapServers: 'h:1', password: PASSWORD })).toThrow(/PLAINTEXT takes no SASL user name or password/);
    });
  });
});

describe('createTopicsScript quoting', () => {
  it('passes a hostile bootstrap string to the tool as one word, never to the shell', () => {
    const script = createTopicsScript("k:9092;touch /tmp/pwned '$(id)'", [{ name: 't', partitions: 1 }]);
    const run = spawnSync('sh', ['-c', `${script.replace(/\/opt\/kafka\/bin\/kafka-topics\.sh/g, 'printf "%s|" ')}`], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--bootstrap-server|k:9092;touch /tmp/pwned '$(id)'|");
  });
});

describe('createTopicsScript with security settings', () => {
  it('writes a client properties file with the password expanded from the environment at run time', () => {
    const script = createTopicsScript('b:9096', [{ name: 't', partitions: 1 }], 3, { security: { securityProtocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: "o'brien" } } });
    expect(script.split('\n')).toEqual([
      'set -e',
      'umask 077',
      `printf '%s\\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=PLAIN' 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="o'\\''brien" password="'"$${KAFKA_PASSWORD_ENV}"'";' > /tmp/leaderboard-client.properties`,
      "/opt/kafka/bin/kafka-topics.sh --bootstrap-server 'b:9096' --command-config /tmp/leaderboard-client.properties --create --if-not-exists --topic 't' --partitions 1 --replication-factor 3",
      "/opt/kafka/bin/kafka-topics.sh --bootstrap-server 'b:9096' --command-config /tmp/leaderboard-client.properties --list",
    ]);
  });
});
