import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig, usage } from '../src/config';

describe('parseConfig', () => {
  it('has local defaults: jdbc, loopback, the read-only role', () => {
    const config = parseConfig([], {})!;
    expect(config).toMatchObject({ source: 'jdbc', host: '127.0.0.1', port: 8080, holdBackMs: 2000, logLevel: 'info' });
    expect(config.postgres.connection).toEqual({ host: '127.0.0.1', port: 5432, database: 'leaderboard', user: 'leaderboard_dashboard' });
    expect(config.kafka).toEqual({ brokers: ['127.0.0.1:9092'], security: { securityProtocol: 'PLAINTEXT' }, saslPassword: undefined, schemaRegistryUrl: undefined });
  });

  it('reads Kafka SASL settings, the password from DASHBOARD_KAFKA_SASL_PASSWORD only', () => {
    const env = { DASHBOARD_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', DASHBOARD_KAFKA_SASL_USERNAME: 'boards', DASHBOARD_KAFKA_SASL_PASSWORD: 'pw' };
    expect(parseConfig(['--kafka-sasl-mechanism', 'SCRAM-SHA-256'], env)!.kafka).toEqual({
      brokers: ['127.0.0.1:9092'],
      security: { securityProtocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'boards' } },
      saslPassword: 'pw',
      schemaRegistryUrl: undefined,
    });
    expect(() => parseConfig([], { ...env, DASHBOARD_KAFKA_SASL_PASSWORD: '' })).toThrow(/DASHBOARD_KAFKA_SECURITY_PROTOCOL: .*needs a SASL password/);
    expect(() => parseConfig(['--kafka-sasl-username', 'u'], {})).toThrow(/--kafka-sasl-username: security protocol PLAINTEXT takes no SASL user name/);
    expect(() => parseConfig(['--kafka-security-protocol', 'TLS'], {})).toThrow(/'TLS' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
    const ca = join(mkdtempSync(join(tmpdir(), 'dash-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(parseConfig(['--kafka-security-protocol', 'SSL', '--kafka-ssl-ca-file', ca], {})!.kafka.security.caCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(() => parseConfig(['--kafka-security-protocol', 'SSL'], { DASHBOARD_KAFKA_SSL_CA_FILE: `${ca}.missing` })).toThrow(/^DASHBOARD_KAFKA_SSL_CA_FILE: cannot read/);
  });

  it('takes the environment, and flags over it', () => {
    const env = { DASHBOARD_SOURCE: 'kafka', DASHBOARD_HOST: '0.0.0.0', DASHBOARD_PORT: '9000', DASHBOARD_KAFKA_BOOTSTRAP_SERVERS: 'k1:9092, k2:9093' };
    expect(parseConfig([], env)).toMatchObject({ source: 'kafka', host: '0.0.0.0', port: 9000, kafka: { brokers: ['k1:9092', 'k2:9093'] } });
    expect(parseConfig(['--port=9100', '--source', 'jdbc'], env)).toMatchObject({ source: 'jdbc', port: 9100 });
  });

  it('reads Avro boards through a schema registry when given its URL', () => {
    const config = parseConfig(['--source', 'kafka'], { DASHBOARD_SCHEMA_REGISTRY_URL: 'http://schema-registry:8085' })!;
    expect(config.kafka.schemaRegistryUrl).toBe('http://schema-registry:8085');
    expect(() => parseConfig([], { DASHBOARD_SCHEMA_REGISTRY_URL: 'schema-registry:8085' })).toThrow(/^DASHBOARD_SCHEMA_REGISTRY_URL: 'schema-registry:8085' is not an http\(s\) URL/);
  });

  it('reads the password from PGPASSWORD or a file, and refuses one in the --pg-url flag', () => {
    expect(parseConfig([], { PGPASSWORD: 'pw', PGHOST: 'db' })!.postgres).toMatchObject({ connection: { host: 'db', password: 'pw' }, target: 'db:5432/leaderboard' });
    const file = join(mkdtempSync(join(tmpdir(), 'dash-')), 'pw');
    writeFileSync(file, 'from-file\n');
    expect(parseConfig(['--pg-password-file', file], { PGPASSWORD: 'pw' })!.postgres.connection.password).toBe('from-file');
    expect(() => parseConfig(['--pg-url', 'postgresql://u:secret@h/db'], {})).toThrow(/must not contain a password/);
    expect(parseConfig([], { DASHBOARD_PG_URL: 'postgresql://u:secret@h:6000/db' })!.postgres.target).toBe('h:6000/db');
  });

  it.each([
    [['--source', 'mysql'], /--source: 'mysql' is not a source; allowed: jdbc, kafka/],
    [['--port', '70000'], /--port: '70000' must be an integer in 0..65535/],
    [['--log-level', 'loud'], /allowed: error, warn, info, debug/],
    [['--kafka-bootstrap-servers', 'nohost'], /'nohost' is not host:port/],
    [['--pg-url', 'mysql://h/db'], /scheme 'mysql:' not allowed/],
    [['--bogus'], /unknown argument '--bogus'/],
    [['--port'], /flag --port needs a value/],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(argv, {})).toThrow(message);
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(() => parseConfig([], { DASHBOARD_SOURCE: 'x' })).toThrow(/^DASHBOARD_SOURCE: 'x'/);
  });

  it('returns undefined for --help and documents every flag', () => {
    expect(parseConfig(['--help'], {})).toBeUndefined();
    expect(usage()).toContain('--kafka-bootstrap-servers [DASHBOARD_KAFKA_BOOTSTRAP_SERVERS]');
  });
});
