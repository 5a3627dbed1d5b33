import {
  KafkaClientSettings,
  KafkaSaslMechanism,
  KafkaSettingError,
  javaClientProperties,
  kafkaClientSecurity,
  kafkaSecurityProblem,
  kafkajsSecurity,
  readKafkaClientSettings,
} from '../kafka-client';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUB\nAB==\n-----END CERTIFICATE-----\n';

describe('kafka client security', () => {
  it('maps each SASL mechanism to kafkajs and to the Java client, the password only where given', () => {
    const scram = kafkaClientSecurity('SASL_SSL', 'SCRAM-SHA-256', 'lb');
    expect(kafkajsSecurity(scram, 'pw')).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-256', username: 'lb', password: 'pw' } });
    expect(javaClientProperties(scram, '${P}')).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="lb" password="${P}";',
    });
    const plain = kafkaClientSecurity('SASL_PLAINTEXT', 'PLAIN', 'lb');
    expect(kafkajsSecurity(plain, 'pw')).toEqual({ sasl: { mechanism: 'plain', username: 'lb', password: 'pw' } });
    expect(javaClientProperties(plain, 'x')['sasl.jaas.config']).toMatch(/^org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required/);
  });

  it('trusts a given CA certificate instead of the system\'s, in both clients', () => {
    const tls = kafkaClientSecurity('SSL', 'PLAIN', undefined, PEM);
    expect(tls).toEqual({ securityProtocol: 'SSL', caCertificate: PEM });
    expect(kafkajsSecurity(tls, undefined)).toEqual({ ssl: { ca: [PEM] } });
    expect(javaClientProperties(tls, '')).toEqual({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': PEM.trim() });
    expect(kafkajsSecurity(kafkaClientSecurity('SSL', 'PLAIN', undefined), undefined)).toEqual({ ssl: true });
    expect(javaClientProperties(kafkaClientSecurity('PLAINTEXT', 'PLAIN', undefined), '')).toEqual({});
  });

  it.each([
    [kafkaClientSecurity('SASL_SSL', 'PLAIN', undefined), true, /needs a SASL user name/],
    [kafkaClientSecurity('SASL_SSL', 'PLAIN', 'lb'), false, /needs a SASL password/],
    [kafkaClientSecurity('SASL_SSL', 'PLAIN', 'l"b'), true, /must not contain " or \\/],
    [kafkaClientSecurity('SSL', 'PLAIN', undefined), true, /takes no SASL user name or password/],
    [kafkaClientSecurity('SASL_PLAINTEXT', 'PLAIN', 'lb', PEM), true, /uses no TLS, so it takes no CA certificate/],
    [kafkaClientSecurity('SSL', 'PLAIN', undefined, 'not a certificate'), false, /not PEM/],
  ])('refuses %j (password given: %s)', (security, hasPassword, message) => {
    expect(kafkaSecurityProblem(security, hasPassword)).toMatch(message);
  });

  it('reads a client\'s settings once for every caller, naming the setting at fault', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const files: Record<string, string> = { '/ca.pem': pem, '/key.pem': 'not a certificate' };
    const readFile = (path: string): string => {
      if (!(path in files)) throw new Error('ENOENT');
      return files[path];
    };
    const read = (settings: Partial<KafkaClientSettings>) =>
      readKafkaClientSettings({ securityProtocol: 'SASL_SSL', saslMechanism: 'PLAIN', username: 'u', hasPassword: true, ...settings }, readFile);
    const settingOf = (settings: Partial<KafkaClientSettings>): [string, string] => {
      try {
        read(settings);
      } catch (e) {
        if (e instanceof KafkaSettingError) return [e.setting, e.message];
        throw e;
      }
      return ['', ''];
    };
    expect(read({ caCertificateFile: '/ca.pem' })).toEqual({ securityProtocol: 'SASL_SSL', sasl: { mechanism: 'PLAIN', username: 'u' }, caCertificate: pem });
    expect(read({ securityProtocol: 'PLAINTEXT', username: undefined, hasPassword: false })).toEqual({ securityProtocol: 'PLAINTEXT' });
    expect(settingOf({ securityProtocol: 'PLAINTEXT' })).toEqual(['username', 'security protocol PLAINTEXT takes no SASL user name']);
    expect(settingOf({ username: undefined })).toEqual(['username', 'security protocol SASL_SSL needs a SASL user name']);
    expect(settingOf({ hasPassword: false })).toEqual(['securityProtocol', 'security protocol SASL_SSL needs a SASL password']);
    expect(settingOf({ saslMechanism: 'GSSAPI' as KafkaSaslMechanism })).toEqual(['saslMechanism', "SASL mechanism 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"]);
    expect(settingOf({ caCertificateFile: '/missing.pem' })).toEqual(['caCertificateFile', "cannot read '/missing.pem': ENOENT"]);
    expect(settingOf({ caCertificateFile: '/key.pem' })).toEqual(['caCertificateFile', 'the CA certificate is not PEM (-----BEGIN CERTIFICATE----- ...)']);
    expect(settingOf({ securityProtocol: 'SASL_PLAINTEXT', caCertificateFile: '/ca.pem' })).toEqual(['caCertificateFile', 'security protocol SASL_PLAINTEXT uses no TLS, so it takes no CA certificate']);
  });
});
