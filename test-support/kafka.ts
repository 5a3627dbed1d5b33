/**
 * A real single-node Apache Kafka (KRaft, broker and controller in one process) run as a host process
 * for integration tests. The jars come from scripts/offline/kafka-dist.sh, so neither the tarball nor
 * an image is needed. Each suite starts its own broker on free loopback ports in a temp dir.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { IResourceConfigEntry, Kafka, logLevel, Partitioners } from 'kafkajs';
import { Check, commandExists } from './prerequisites';

const distScript = path.resolve(__dirname, '..', 'scripts', 'offline', 'kafka-dist.sh');
const runFile = promisify(execFile);

/**
 * C1-only JIT and the serial collector roughly halve broker start-up on the shared 2-core machine;
 * the throughput a test needs is far below what they give.
 */
const defaultJvmOptions = ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

export interface KafkaOptions {
  /** Broker properties added to, or replacing, the fixture's, e.g. `{ 'auto.create.topics.enable': 'true' }`. */
  config?: Record<string, string>;
  /** Replaces the default JVM options (small heap, quick start). */
  jvmOptions?: string[];
  /** Bound on each start (and restart) until the broker serves metadata; default 90 s. */
  startTimeoutMs?: number;
  /**
   * A second listener for clients elsewhere (containers reach a host address such as a Docker
   * bridge's gateway), authenticating with SASL as one of `users` (name to password): PLAIN by
   * default, or SCRAM-SHA-512; with `tls`, over TLS with a self-signed certificate for `host`.
   */
  saslListener?: { host: string; users: Record<string, string>; mechanism?: 'PLAIN' | 'SCRAM-SHA-512'; tls?: boolean };
}

export interface KafkaBroker {
  /** `127.0.0.1:<port>`, for kafkajs `brokers: [bootstrapServers]` or Flink's `properties.bootstrap.servers`. */
  readonly bootstrapServers: string;
  /** `<host>:<port>` of the SASL listener, when asked for. */
  readonly saslBootstrapServers?: string;
  /** The SASL listener's self-signed certificate (PEM), which its clients must trust, with `tls`. */
  readonly certificate?: string;
  /** The broker's stdout and stderr (log4j at INFO), for diagnosing a failed test. */
  readonly logFile: string;
  /** Where the broker keeps its partitions (log.dirs). */
  readonly dataDir: string;
  /** Stops the broker (graceful, then killed after 30 s) and deletes its data. */
  stop(): Promise<void>;
  /** Stops the broker gracefully and starts it again on the same ports and data directory. */
  restart(): Promise<void>;
  /** Creates a topic with replication factor 1 and waits for its leaders; fails if it already exists. */
  createTopic(name: string, partitions: number, config?: Record<string, string>): Promise<void>;
  /** The first offset each partition of `topic` still holds (above 0 once retention deleted some), by partition. */
  logStartOffsets(topic: string): Promise<number[]>;
}

/** Bytes a partition occupies on the broker's disk (index files are sparse: their length is not their use). */
export function partitionDiskBytes(broker: KafkaBroker, topic: string, partition: number): number {
  const dir = path.join(broker.dataDir, `${topic}-${partition}`);
  return readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).blocks * 512, 0);
}

let cachedLibs: string | undefined;

/**
 * The directory of the Kafka jars (building it on first use, which needs Maven Central). Also the
 * classpath for Kafka's tools, e.g. `java -cp '<libs>/*' org.apache.kafka.tools.ProducerPerformance`.
 */
export function kafkaLibs(): string {
  cachedLibs ??= execFileSync(distScript, [], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  }).trim();
  return cachedLibs;
}

/** Prerequisite for suites that start a broker: java on PATH and the Kafka jar set (built if absent). */
export const kafkaCheck: Check = () => {
  const noJava = commandExists('java')();
  if (noJava !== undefined) return noJava;
  try {
    kafkaLibs();
    return undefined;
  } catch (error) {
    return `the Kafka jars could not be assembled by scripts/offline/kafka-dist.sh: ${(error as Error).message}`;
  }
};

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A jest worker that exits without calling stop() must not leave a JVM behind. */
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.on('exit', () => running.forEach((c) => c.kill('SIGKILL')));
    exitHookInstalled = true;
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Distinct free loopback ports: all are held open together so that none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

type SaslListener = NonNullable<KafkaOptions['saslListener']>;

/** A properties-file value: `\n` stands for a line break. */
const propertyValue = (text: string): string => text.trim().replace(/\n/g, '\\n');

/**
 * Broker properties adding the listener `SASL` on `address`; PLAIN users are listed in its JAAS
 * configuration, SCRAM users are stored when the log directory is formatted (scramFormatArgs).
 */
function saslListenerProperties(port: number, controllerPort: number, address: string, listener: SaslListener, tls?: { certificate: string; key: string }): Record<string, string> {
  const quoted = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const mechanism = listener.mechanism ?? 'PLAIN';
  const jaas = mechanism === 'PLAIN'
    ? `org.apache.kafka.common.security.plain.PlainLoginModule required ${Object.entries(listener.users).map(([name, password]) => `user_${name}=${quoted(password)}`).join(' ')};`
    : 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return {
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL://${address}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},SASL://${address}`,
    'listener.security.protocol.map': `CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL:${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
    'sasl.enabled.mechanisms': mechanism,
    [`listener.name.sasl.${mechanism.toLowerCase()}.sasl.jaas.config`]: jaas,
    ...(tls
      ? { 'ssl.keystore.type': 'PEM', 'ssl.keystore.certificate.chain': propertyValue(tls.certificate), 'ssl.keystore.key': propertyValue(tls.key) }
      : {}),
  };
}

/** StorageTool arguments storing the SCRAM users' credentials. */
const scramFormatArgs = (listener: SaslListener | undefined): string[] =>
  listener?.mechanism === 'SCRAM-SHA-512'
    ? Object.entries(listener.users).flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`])
    : [];

/** A throw-away self-signed certificate for `host` (an IP address or a DNS name) and its key, PEM. */
async function selfSignedCertificate(dir: string, host: string): Promise<{ certificate: string; key: string }> {
  const [certFile, keyFile] = [path.join(dir, 'listener.crt'), path.join(dir, 'listener.key')];
  const san = /^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`;
  await runFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${host}`, '-addext', `subjectAltName=${san}`, '-keyout', keyFile, '-out', certFile], { timeout: 60_000 });
  return { certificate: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

function serverProperties(dataDir: string, port: number, controllerPort: number, extra: Record<string, string>): string {
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    // One broker: internal topics cannot have more replicas than that.
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // The stacks create their topics themselves; a test must not pass because the broker did it.
    'auto.create.topics.enable': 'false',
    ...extra,
  };
  return Object.entries(props)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function halt(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    done.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 30_000);
    }),
  ]);
  clearTimeout(timer);
  if (!graceful) {
    child.kill('SIGKILL');
    await done;
  }
}

/** Ready means the broker answers a metadata request listing itself, i.e. it is registered and unfenced. */
async function waitUntilReady(child: ChildProcess, bootstrapServers: string, logFile: string, timeoutMs: number) {
  const kafka = new Kafka({
    clientId: 'test-support-readiness',
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Kafka broker exited (${child.exitCode ?? child.signalCode}) while starting:\n${tail(logFile)}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      if ((await admin.describeCluster()).brokers.length > 0) return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new Error(`Kafka broker not ready within ${timeoutMs} ms (last error: ${lastError}):\n${tail(logFile)}`);
}

export async function startKafka(options: KafkaOptions = {}): Promise<KafkaBroker> {
  const libs = kafkaLibs();
  const classpath = path.join(libs, '*');
  const log4j = `-Dlog4j.configuration=file:${path.join(libs, '..', 'config', 'log4j.properties')}`;
  const jvmOptions = options.jvmOptions ?? defaultJvmOptions;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'leaderboard-kafka-'));
  const logFile = path.join(dir, 'broker.log');
  const propertiesFile = path.join(dir, 'server.properties');
  const [port, controllerPort, saslPort] = await freePorts(3);
  const bootstrapServers = `127.0.0.1:${port}`;
  const sasl = options.saslListener;
  const saslBootstrapServers = sasl ? `${sasl.host}:${saslPort}` : undefined;
  const tls = sasl?.tls ? await selfSignedCertificate(dir, sasl.host) : undefined;
  const saslProperties = sasl ? saslListenerProperties(port, controllerPort, saslBootstrapServers!, sasl, tls) : {};
  writeFileSync(propertiesFile, serverProperties(path.join(dir, 'data'), port, controllerPort, { ...saslProperties, ...options.config }));

  const launch = async (): Promise<ChildProcess> => {
    const out = openSync(logFile, 'a');
    const child = spawn('java', [...jvmOptions, log4j, '-cp', classpath, 'kafka.Kafka', propertiesFile], {
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    track(child);
    try {
      await waitUntilReady(child, bootstrapServers, logFile, startTimeoutMs);
      return child;
    } catch (error) {
      await halt(child);
      throw error;
    }
  };

  let child: ChildProcess;
  try {
    // KRaft needs a formatted log directory; the cluster id is a random base64url UUID, as `kafka-storage random-uuid` makes.
    const clusterId = randomBytes(16).toString('base64url');
    await runFile(
      'java',
      // `--cluster-id=<id>` in one argument: a base64url id may start with '-', which would read as an option.
      [...jvmOptions, log4j, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propertiesFile, ...scramFormatArgs(sasl)],
      { timeout: 60_000 },
    );
    child = await launch();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const admin = new Kafka({ clientId: 'test-support-admin', brokers: [bootstrapServers], logLevel: logLevel.NOTHING }).admin();
  let stopped = false;

  return {
    bootstrapServers,
    saslBootstrapServers,
    certificate: tls?.certificate,
    logFile,
    dataDir: path.join(dir, 'data'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await admin.disconnect().catch(() => undefined);
      await halt(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      if (stopped) throw new Error('restart() after stop(): the broker and its data are gone');
      await admin.disconnect().catch(() => undefined);
      await halt(child);
      child = await launch();
    },
    async createTopic(name, partitions, config = {}) {
      await admin.connect();
      const configEntries: IResourceConfigEntry[] = Object.entries(config).map(([n, value]) => ({ name: n, value }));
      const created = await admin.createTopics({
        topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1, configEntries }],
        waitForLeaders: true,
      });
      if (!created) throw new Error(`topic '${name}' already exists on ${bootstrapServers}`);
    },
    async logStartOffsets(topic) {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.low));
    },
  };
}

/** A record to produce: keyed by user id; `partition` overrides the key's partition. */
export interface KeyedRecord {
  readonly key: string;
  readonly value: string | Buffer;
  readonly partition?: number;
}

/**
 * Produces `records` to `topic`, acknowledged by the broker, with Java's partitioner (murmur2 of the
 * key, as the injector uses) and one request in flight, so each partition gets its records in array
 * order.
 */
export async function produceRecords(bootstrapServers: string, topic: string, records: readonly KeyedRecord[], batchSize = 1000): Promise<void> {
  const client = new Kafka({ brokers: [bootstrapServers], clientId: 'test-producer', logLevel: logLevel.NOTHING });
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += batchSize) {
      await producer.send({ topic, messages: records.slice(i, i + batchSize).map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
    }
  } finally {
    await producer.disconnect();
  }
}
