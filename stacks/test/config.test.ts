import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_CONFIG, EXTERNAL_KAFKA_DEFAULTS, EXTERNAL_POSTGRES_DEFAULTS, externalKafkaSecurity, loadConfig, parseConfig } from '../config';
import { tempDir } from '../../test-support/temp-dirs';

const errorOf = (input: unknown): string => {
  try {
    parseConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  it('gives every default for an empty file', () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.expose).toEqual({ kafkaPort: null, postgresPort: null, bindAddress: '127.0.0.1' });
    expect(DEFAULT_CONFIG.injector.maxEvents).toBe(0);
  });

  it('publishes the Flink UI (the REST API runs uploaded code) on loopback only, unless told to; null publishes nothing', () => {
    expect(DEFAULT_CONFIG.flink).toMatchObject({ uiPort: 8081, uiBindAddress: '127.0.0.1', uiAllowRemote: false });
    expect(parseConfig({ flink: { uiPort: null } }).flink.uiPort).toBeNull();
    expect(parseConfig({ flink: { uiBindAddress: '::1' } }).flink.uiBindAddress).toBe('::1');
    expect(parseConfig({ flink: { uiBindAddress: '127.0.0.2' } }).flink.uiBindAddress).toBe('127.0.0.2');
    expect(parseConfig({ flink: { uiBindAddress: '10.1.2.3', uiAllowRemote: true } }).flink.uiBindAddress).toBe('10.1.2.3');
    // The dashboard's address does not move the UI.
    expect(parseConfig({ expose: { bindAddress: '0.0.0.0' } }).flink.uiBindAddress).toBe('127.0.0.1');
  });

  it('bounds the input topic: a week, the bytes derived from the broker volume unless given', () => {
    expect(DEFAULT_CONFIG.kafka).toMatchObject({ volumeGiB: 5, inputRetentionHours: 168, inputRetentionBytes: null });
    expect(parseConfig({ kafka: { volumeGiB: 50, inputRetentionBytes: 5 * 1024 ** 3 } }).kafka.inputRetentionBytes).toBe(5 * 1024 ** 3);
    // A Kafka outside the stack has no volume of the stack's to fit.
    expect(parseConfig({ kafka: { inputRetentionBytes: 2 * 1024 ** 3, external: { bootstrapServers: 'k:9092' } } }).kafka.inputRetentionBytes).toBe(2 * 1024 ** 3);
  });

  it('takes bootstrap servers by DNS name, IPv4 and bracketed IPv6 address', () => {
    const servers = 'b-1.kafka.example:9096,10.0.0.7:9092,[fd00::7]:9093';
    expect(parseConfig({ kafka: { external: { bootstrapServers: servers } } }).kafka.external!.bootstrapServers).toBe(servers);
  });

  it('takes the operator chart from a repository URL or a local chart directory', () => {
    expect(DEFAULT_CONFIG.kubernetes.operatorChart).toBe('https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/');
    expect(parseConfig({ kubernetes: { operatorChart: '/srv/charts/flink-kubernetes-operator' } }).kubernetes.operatorChart).toBe('/srv/charts/flink-kubernetes-operator');
  });

  it('lets the Flink pods and the operator reach the API server anywhere on its usual ports unless told where it is', () => {
    expect(DEFAULT_CONFIG.kubernetes.apiServer).toEqual({ cidrs: ['0.0.0.0/0'], ports: [443, 6443, 8443, 16443] });
    expect(parseConfig({ kubernetes: { apiServer: { cidrs: ['172.18.0.2/32', 'fd00::/64'] } } }).kubernetes.apiServer).toEqual({ cidrs: ['172.18.0.2/32', 'fd00::/64'], ports: [443, 6443, 8443, 16443] });
  });

  it('merges a partial section with its defaults', () => {
    const config = parseConfig({ injector: { maxEvents: 5000, seed: 7 }, expose: { postgresPort: 15432 } });
    expect(config.injector).toEqual({ ...DEFAULT_CONFIG.injector, maxEvents: 5000, seed: 7 });
    expect(config.expose.postgresPort).toBe(15432);
    expect(config.expose.kafkaPort).toBeNull();
  });

  it('takes an external Kafka and PostgreSQL, filling their defaults; the stack deploys its own by default', () => {
    expect(DEFAULT_CONFIG.kafka.external).toBeNull();
    expect(DEFAULT_CONFIG.postgres.external).toBeNull();
    const config = parseConfig({
      kafka: { external: { bootstrapServers: 'b1.example:9096,b2.example:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'lb' } },
      postgres: { external: { host: 'db.example', adminUser: 'admin' } },
    });
    expect(config.kafka.external).toEqual({ ...EXTERNAL_KAFKA_DEFAULTS, bootstrapServers: 'b1.example:9096,b2.example:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'lb' });
    expect(config.postgres.external).toEqual({ ...EXTERNAL_POSTGRES_DEFAULTS, host: 'db.example', adminUser: 'admin' });
    expect(EXTERNAL_KAFKA_DEFAULTS).toMatchObject({ securityProtocol: 'PLAINTEXT', passwordVariable: 'kafka_password', replicationFactor: 3 });
    expect(EXTERNAL_POSTGRES_DEFAULTS).toMatchObject({ port: 5432, database: 'leaderboard', adminPasswordVariable: 'postgres_admin_password', sslMode: 'disable' });
  });

  it("reads an external Kafka's CA certificate file, and names the field when it cannot", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
    const external = { bootstrapServers: 'k:9093', securityProtocol: 'SSL', caCertificateFile: join(dir, 'ca.pem') };
    expect(externalKafkaSecurity(parseConfig({ kafka: { external } }).kafka.external!)).toEqual({ securityProtocol: 'SSL', caCertificate: pem });
    expect(errorOf({ kafka: { external: { ...external, caCertificateFile: join(dir, 'missing.pem') } } })).toMatch(/^config field 'kafka\.external\.caCertificateFile': cannot read '.*missing\.pem'/);
    expect(errorOf({ kafka: { external: { ...external, caCertificateFile: join(dir, 'key.pem') } } })).toBe("config field 'kafka.external.caCertificateFile': the CA certificate is not PEM (-----BEGIN CERTIFICATE----- ...)");
    expect(errorOf({ kafka: { external: { ...external, securityProtocol: 'PLAINTEXT' } } })).toBe("config field 'kafka.external.caCertificateFile': security protocol PLAINTEXT uses no TLS, so it takes no CA certificate");
  });

  it.each([
    [{ injector: { eventsPerSecond: 'fast' } }, `config field 'injector.eventsPerSecond': expected a number > 0 and at most 10000000, got "fast"`],
    [{ injector: { eventsPerSecond: -1 } }, `config field 'injector.eventsPerSecond': expected a number > 0 and at most 10000000, got -1`],
    // The injector's own bound (--avg-qps): above it the container would refuse to start and restart forever.
    [{ kafka: { inputRetentionBytes: 2 * 1024 ** 3 } }, `config field 'kafka.inputRetentionBytes': a retention of 2147483648 bytes per partition does not fit the 894784853 bytes a partition may use`],
    [{ kafka: { volumeGiB: 0 } }, `config field 'kafka.volumeGiB': expected an integer from 1`],
    [{ injector: { eventsPerSecond: 1e7 + 1 } }, `config field 'injector.eventsPerSecond': expected a number > 0 and at most 10000000, got 10000001`],
    [{ injector: { maxEvents: 1.5 } }, `config field 'injector.maxEvents': expected an integer from 0 to`],
    [{ injector: { enabled: 'yes' } }, `config field 'injector.enabled': expected true or false, got "yes"`],
    [{ dashboard: { port: 70000 } }, `config field 'dashboard.port': expected an integer from 1 to 65535, got 70000`],
    [{ flink: { startupMode: 'newest' } }, `config field 'flink.startupMode': expected one of 'earliest', 'latest', got "newest"`],
    [{ flink: { jobLayout: 'one' } }, `config field 'flink.jobLayout': expected one of 'per-metric', 'statement-set', got "one"`],
    [{ events: { format: 'protobuf' } }, `config field 'events.format': expected one of 'json', 'avro', got "protobuf"`],
    [{ expose: { bindAddress: 'everywhere' } }, `config field 'expose.bindAddress': expected an IPv4 or IPv6 address`],
    [{ expose: { bindAddress: '999.0.0.1' } }, `config field 'expose.bindAddress': expected an IPv4 or IPv6 address`],
    [{ flink: { uiBindAddress: '0.0.0.0' } }, `config field 'flink.uiBindAddress': 0.0.0.0 is not a loopback address: whoever reaches the Flink REST API there can upload and run code`],
    [{ flink: { uiBindAddress: '::' } }, `config field 'flink.uiBindAddress': :: is not a loopback address`],
    [{ images: { kafka: 'Not An Image' } }, `config field 'images.kafka': expected an image reference`],
    [{ kubernetes: { namespace: 'Leader_Board' } }, `config field 'kubernetes.namespace': expected a DNS label`],
    [{ kubernetes: { operatorChart: 'helm/flink-kubernetes-operator' } }, `config field 'kubernetes.operatorChart': expected a chart repository URL (http(s)://...) or an absolute chart directory path`],
    [{ kubernetes: { apiServer: { cidrs: ['172.18.0.2'] } } }, `config field 'kubernetes.apiServer.cidrs[0]': expected a CIDR block such as "10.0.0.1/32", got "172.18.0.2"`],
    [{ kubernetes: { apiServer: { cidrs: ['172.18.0.2/33'] } } }, `config field 'kubernetes.apiServer.cidrs[0]': expected a CIDR block`],
    [{ kubernetes: { apiServer: { cidrs: [] } } }, `config field 'kubernetes.apiServer.cidrs': expected a non-empty list, got []`],
    [{ kubernetes: { apiServer: { ports: [0] } } }, `config field 'kubernetes.apiServer.ports[0]': expected an integer from 1 to 65535, got 0`],
    [{ images: { flinkOperator: 'Operator' } }, `config field 'images.flinkOperator': expected an image reference`],
    [{ inputTopic: 'user score' }, `config field 'inputTopic': expected a Kafka topic name`],
    [{ injector: [] }, `config field 'injector': expected an object, got []`],
    [{ injectr: {} }, `config field 'injectr': unknown field; allowed: inputTopic, events, injector, dashboard, kafka, postgres, flink, boards, expose, images, kubernetes`],
    [{ boards: { hotStreakActiveMinutes: 0 } }, `config field 'boards.hotStreakActiveMinutes': expected an integer from 1 to 1440, got 0`],
    [{ flink: { uiport: 1 } }, `config field 'flink.uiport': unknown field; allowed: uiPort, uiBindAddress, uiAllowRemote, startupMode, jobLayout, taskSlots, taskManagers, parallelism, taskManagerMemoryMiB, taskManagerCpuMillis, autoscaler`],
    [{ flink: { parallelism: 0 } }, `config field 'flink.parallelism': expected an integer from 1 to 64, got 0`],
    [{ flink: { parallelism: 6 } }, `config field 'flink.parallelism': 1 job(s) of layout 'statement-set' at parallelism 6 need 6 task slots; flink.taskSlots x flink.taskManagers is 5`],
    [{ flink: { jobLayout: 'per-metric', parallelism: 2 } }, `config field 'flink.parallelism': 5 job(s) of layout 'per-metric' at parallelism 2 need 10 task slots; flink.taskSlots x flink.taskManagers is 5`],
    [{ flink: { taskSlots: 1, taskManagers: 1, parallelism: 2 } }, `config field 'flink.parallelism': 1 job(s) of layout 'statement-set' at parallelism 2 need 2 task slots; flink.taskSlots x flink.taskManagers is 1`],
    [{ flink: { taskManagers: 0 } }, `config field 'flink.taskManagers': expected an integer from 1 to 16, got 0`],
    [{ dashboard: { port: 8081 } }, `config field 'flink.uiPort': port 8081 is already used by 'dashboard.port'`],
    [{ flink: { autoscaler: { targetUtilization: 1.5 } } }, `config field 'flink.autoscaler.targetUtilization': expected a number > 0 and <= 1, got 1.5`],
    [{ flink: { autoscaler: { minParallelism: 4, maxParallelism: 2 } } }, `config field 'flink.autoscaler.minParallelism': 4 is above maxParallelism 2`],
    [{ flink: { taskManagerMemoryMiB: 512 } }, `config field 'flink.taskManagerMemoryMiB': expected an integer from 1024 to 65536, got 512`],
    [{ kafka: { brokers: 2 } }, `config field 'kafka.brokers': expected one of 1, 3, got 2`],
    [{ kafka: { inputTopicPartitions: 0 } }, `config field 'kafka.inputTopicPartitions': expected an integer from 1 to 1000, got 0`],
    [{ kafka: { brokers: 3 }, expose: { kafkaPort: 19092, postgresPort: 19094 } }, `config field 'expose.postgresPort': port 19094 is already used by 'expose.kafkaPort (broker 3)'`],
    [{ kafka: { external: {} } }, `config field 'kafka.external.bootstrapServers': required: the host:port list of the Kafka to use`],
    [{ kafka: { external: { bootstrapServers: 'kafka.example' } } }, `config field 'kafka.external.bootstrapServers': expected host:port[,host:port...] (a DNS name, an IPv4 or a [bracketed] IPv6 address, and a port), got "kafka.example"`],
    [{ kafka: { external: { bootstrapServers: 'k:9092,$(reboot):9092' } } }, `config field 'kafka.external.bootstrapServers': expected host:port[,host:port...] (a DNS name, an IPv4 or a [bracketed] IPv6 address, and a port), got "$(reboot):9092"`],
    [{ kafka: { external: { bootstrapServers: 'k:99999' } } }, `config field 'kafka.external.bootstrapServers': expected host:port`],
    [{ kafka: { external: { bootstrapServers: '[not:v6]:9092' } } }, `config field 'kafka.external.bootstrapServers': expected host:port`],
    [{ kafka: { external: { bootstrapServers: 'k:9092', securityProtocol: 'SASL_SSL' } } }, `config field 'kafka.external.username': security protocol SASL_SSL needs a SASL user name`],
    [{ kafka: { external: { bootstrapServers: 'k:9092', username: 'u' } } }, `config field 'kafka.external.username': security protocol PLAINTEXT takes no SASL user name`],
    [{ kafka: { external: { bootstrapServers: 'k:9092', securityProtocol: 'TLS' } } }, `config field 'kafka.external.securityProtocol': expected one of 'PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL', got "TLS"`],
    [{ kafka: { external: { bootstrapServers: 'k:9092', securityProtocol: 'SASL_SSL', saslMechanism: 'GSSAPI', username: 'u' } } }, `config field 'kafka.external.saslMechanism': expected one of 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', got "GSSAPI"`],
    [{ kafka: { external: { bootstrapServers: 'k:9092', passwordVariable: 'kafka-password' } } }, `config field 'kafka.external.passwordVariable': expected a Terraform variable name`],
    [{ kafka: { brokers: 3, external: { bootstrapServers: 'k:9092' } } }, `config field 'kafka.brokers': does not apply with kafka.external (the stack deploys no broker)`],
    [{ kafka: { external: { bootstrapServers: 'k:9092' } }, expose: { kafkaPort: 19092 } }, `config field 'expose.kafkaPort': does not apply with kafka.external`],
    [{ postgres: { external: { adminUser: 'admin' } } }, `config field 'postgres.external.host': required: the host of the PostgreSQL to use`],
    [{ postgres: { external: { host: 'db.example' } } }, `config field 'postgres.external.adminUser': required: a role that may create schemas and roles there`],
    [{ postgres: { external: { host: 'db.example', adminUser: 'admin', sslMode: 'verify-full' } } }, `config field 'postgres.external.sslMode': expected one of 'disable', 'require', got "verify-full"`],
    [{ postgres: { external: { host: 'db.example', adminUser: 'admin' } }, expose: { postgresPort: 15432 } }, `config field 'expose.postgresPort': does not apply with postgres.external`],
  ])('rejects %j', (input, message) => {
    expect(errorOf(input)).toContain(message);
  });
});

describe('loadConfig', () => {
  const dir = tempDir('config');

  it('uses the defaults when LEADERBOARD_CONFIG is unset', () => {
    expect(loadConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('reads the file LEADERBOARD_CONFIG names', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ dashboard: { port: 9000 } }));
    expect(loadConfig({ LEADERBOARD_CONFIG: file }).dashboard.port).toBe(9000);
  });

  it('names the file when it is not JSON or missing', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ LEADERBOARD_CONFIG: file })).toThrow(/LEADERBOARD_CONFIG.*bad\.json' is not valid JSON/);
    expect(() => loadConfig({ LEADERBOARD_CONFIG: join(dir, 'none.json') })).toThrow(/cannot read '.*none\.json'/);
  });
});
