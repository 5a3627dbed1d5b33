import { javaClientProperties, kafkaClientSecurity, kafkaSecurityProblem, kafkajsSecurity } from '../kafka-client';

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
});
