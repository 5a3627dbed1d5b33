import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INJECTOR_ENV } from '../../common/contract';
import { DEFAULT_SYNTHETIC_START, envNameOf, FLAGS, FlagError, helpText, parseFlags, SASL_PASSWORD_ENV } from '../src/flags';
import { logLines, runCli, startCli } from './cli-harness';

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseFlags(argv, env);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.config;
}

function flagError(argv: string[], env: NodeJS.ProcessEnv = {}): FlagError {
  try {
    parseFlags(argv, env);
  } catch (e) {
    if (e instanceof FlagError) return e;
    throw e;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('flags', () => {
  it('has the documented defaults', () => {
    const c = config([]);
    expect(c).toMatchObject({
      output: 'kafka',
      bootstrapServers: ['localhost:9092'],
      topic: 'user-score',
      partitions: 3,
      avgQps: 20,
      numLiveTeams: 10,
      minMembersPerTeam: 5,
      maxMembersPerTeam: 15,
      minScore: 0,
      maxScore: 20,
      clock: 'real',
      maxEvents: 0,
      durationSeconds: 0,
      seedGiven: false,
    });
    expect(c.startTimeMillis).toBeUndefined();
  });

  it('takes --name value and --name=value, and each flag from its environment variable', () => {
    expect(config(['--avg-qps', '5', '--topic=scores']).avgQps).toBe(5);
    expect(config(['--topic=scores']).topic).toBe('scores');
    const env = { INJECTOR_BOOTSTRAP_SERVERS: 'k1:9092,k2:9093', INJECTOR_AVG_QPS: '7.5', INJECTOR_MAX_EVENTS: '100', INJECTOR_SEED: '42' };
    const c = config([], env);
    expect(c.bootstrapServers).toEqual(['k1:9092', 'k2:9093']);
    expect(c).toMatchObject({ avgQps: 7.5, maxEvents: 100, seed: 42, seedGiven: true });
    expect(config(['--avg-qps', '3'], env).avgQps).toBe(3);
    for (const spec of FLAGS) expect(helpText()).toContain(envNameOf(spec.name));
  });

  it('reads every variable its construct sets (the contract\'s INJECTOR_ENV)', () => {
    const { kafka, ...settings } = INJECTOR_ENV;
    const { saslPassword, ...kafkaSettings } = kafka;
    const read = new Set(FLAGS.map((spec) => envNameOf(spec.name)));
    for (const name of [...Object.values(settings), ...Object.values(kafkaSettings)]) expect(read).toContain(name);
    expect(saslPassword).toBe(SASL_PASSWORD_ENV);
  });

  it('reads Kafka security from flags and the SASL password from the environment only', () => {
    expect(config([]).kafkaSecurity).toEqual({ securityProtocol: 'PLAINTEXT' });
    const c = config(['--security-protocol', 'SASL_SSL', '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'ingest'], { INJECTOR_SASL_PASSWORD: 's3cret' });
    expect(c.kafkaSecurity).toEqual({ securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'ingest' } });
    expect(c.saslPassword).toBe('s3cret');
    expect(config(['--security-protocol', 'SSL'], { INJECTOR_SASL_PASSWORD: 'ignored' }).saslPassword).toBeUndefined();
    expect(helpText()).toContain('INJECTOR_SASL_PASSWORD');
  });

  it('trusts the CA certificate of --ssl-ca-file, and says when it cannot read it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ca-')), 'ca.pem');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(file, pem);
    expect(config(['--security-protocol', 'SSL', '--ssl-ca-file', file]).kafkaSecurity).toEqual({ securityProtocol: 'SSL', caCertificate: pem });
    expect(flagError(['--security-protocol', 'SSL', '--ssl-ca-file', `${file}.missing`]).message).toMatch(/--ssl-ca-file: cannot read/);
    expect(flagError(['--ssl-ca-file', file]).message).toMatch(/uses no TLS, so it takes no CA certificate/);
  });

  it('defaults the synthetic clock to a fixed start and parses ISO and epoch start times', () => {
    expect(config(['--clock', 'synthetic']).startTimeMillis).toBe(Date.parse(DEFAULT_SYNTHETIC_START));
    expect(config(['--clock', 'synthetic', '--start-time', '2026-11-26T19:00:00Z']).startTimeMillis).toBe(Date.UTC(2026, 10, 26, 19));
    expect(config(['--clock', 'synthetic', '--start-time', '1764183600123']).startTimeMillis).toBe(1764183600123);
  });

  it.each([
    [['--bogus', '1'], '--bogus', /unknown flag --bogus/],
    [['--avg-qps', 'fast'], '--avg-qps', /--avg-qps must be a number > 0 and <= \d+, got "fast"/],
    [['--avg-qps', '-5'], '--avg-qps', /> 0/],
    [['--avg-qps', '0'], '--avg-qps', /> 0/],
    [['--max-events', '1.5'], '--max-events', /integer/],
    [['--max-events', '-1'], '--max-events', /integer in \[0/],
    [['--min-members-per-team', '9', '--max-members-per-team', '3'], '--min-members-per-team', /must not exceed --max-members-per-team/],
    [['--min-score', '30'], '--min-score', /must not exceed --max-score/],
    [['--min-team-lifetime-minutes', '50'], '--min-team-lifetime-minutes', /must not exceed/],
    [['--output', 'file'], '--output', /one of kafka, print/],
    [['--clock', 'synthetic', '--start-time', '2026-11-26 19:00'], '--start-time', /ISO 8601/],
    [['--clock', 'synthetic', '--start-time', '2026-11-26T19:00:00'], '--start-time', /with a zone/],
    [['--start-time', '0'], '--start-time', /needs --clock synthetic/],
    [['--bootstrap-servers', 'localhost'], '--bootstrap-servers', /host:port/],
    [['--topic', 'a b'], '--topic', /letters, digits/],
    [['--seed'], '--seed', /needs a value/],
    [['--seed', '1', '--seed', '2'], '--seed', /more than once/],
    [['stray'], 'stray', /unexpected argument/],
    [['--security-protocol', 'SASL_PLAINTEXT', '--sasl-username', 'u'], '--security-protocol', /needs a SASL password .*INJECTOR_SASL_PASSWORD/],
    [['--security-protocol', 'SASL_PLAINTEXT'], '--sasl-username', /needs a SASL user name/],
    [['--sasl-username', 'u'], '--sasl-username', /security protocol PLAINTEXT takes no SASL user name/],
    [['--security-protocol', 'TLS'], '--security-protocol', /one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/],
    [['--format', 'xml'], '--format', /one of json, avro/],
    [['--format', 'avro'], '--schema-registry-url', /--format avro needs --schema-registry-url/],
    [['--format', 'avro', '--output', 'print', '--schema-registry-url', 'http://r:8085'], '--format', /Kafka only/],
    [['--format', 'avro', '--schema-registry-url', 'r:8085'], '--schema-registry-url', /http:\/\/ or https:\/\/ URL/],
    [['--schema-registry-url', 'http://r:8085'], '--schema-registry-url', /needs --format avro/],
    [['--avro-schema-file', 'v2.avsc'], '--avro-schema-file', /needs --format avro/],
  ])('rejects %j naming %s', (argv, flag, message) => {
    const e = flagError(argv);
    expect(e.flag).toBe(flag);
    expect(e.message).toMatch(message);
  });

  it('writes JSON by default, and Avro through a registry when asked', () => {
    expect(config([])).toMatchObject({ format: 'json', schemaRegistryUrl: undefined, avroSchemaFile: undefined });
    expect(config(['--format', 'avro', '--schema-registry-url', 'http://schema-registry:8085', '--avro-schema-file', 'v2.avsc'])).toMatchObject({
      format: 'avro',
      schemaRegistryUrl: 'http://schema-registry:8085',
      avroSchemaFile: 'v2.avsc',
    });
  });

  it('names the environment variable when a bad value comes from it', () => {
    const e = flagError([], { INJECTOR_AVG_QPS: 'x' });
    expect(e.flag).toBe('--avg-qps');
    expect(e.message).toContain('INJECTOR_AVG_QPS');
  });

  it('--help lists every flag', () => {
    expect(parseFlags(['--avg-qps', 'bad', '--help'], {})).toEqual({ help: true });
    for (const spec of FLAGS) expect(helpText()).toContain(`--${spec.name}`);
  });
});

describe('the CLI with invalid flags', () => {
  let server: net.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    [['--bogus'], '--bogus'],
    [['--min-members-per-team', '10', '--max-members-per-team', '2'], '--min-members-per-team'],
    [['--avg-qps', 'abc'], '--avg-qps'],
    [['--avg-qps', '-1'], '--avg-qps'],
  ])('%j exits non-zero naming %s, before connecting to Kafka', async (argv, flag) => {
    const result = await runCli(['--bootstrap-servers', `127.0.0.1:${port}`, ...argv]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [line] = logLines(result.stderr);
    expect(line).toMatchObject({ level: 'error', flag });
    expect(String(line.msg)).toContain(flag);
    expect(connections).toBe(0);
  });

  it('(control) with valid flags the same command does connect', async () => {
    const before = connections;
    const cli = await startCli(['--bootstrap-servers', `127.0.0.1:${port}`, '--max-events', '1'], { timeoutMs: 30000 });
    const deadline = Date.now() + 20000;
    while (connections === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    cli.kill('SIGKILL');
    await cli.done;
    expect(connections).toBeGreaterThan(before);
    connections = before;
  });

  it('a bad environment value also exits non-zero naming the flag and variable', async () => {
    const result = await runCli(['--bootstrap-servers', `127.0.0.1:${port}`], { env: { INJECTOR_MAX_EVENTS: 'many' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('INJECTOR_MAX_EVENTS');
    expect(connections).toBe(0);
  });

  it('--help prints the flags on stdout and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--avg-qps');
  });
});
