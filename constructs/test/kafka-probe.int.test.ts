/**
 * The brokers' health check on a real broker: the ApiVersions request the construct's probe sends is
 * answered by Kafka and by nothing else listening on the port.
 */
import { spawnSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { apiVersionsProbe } from '../kafka';
import { freePorts, KafkaBroker, kafkaCheck, startKafka } from '../../test-support/kafka';
import { describeWith } from '../../test-support/prerequisites';

const probe = (port: number): number | null => {
  const [command, ...args] = apiVersionsProbe(port);
  return spawnSync(command, args, { timeout: 20_000 }).status;
};

describeWith([kafkaCheck])('the Kafka health check', () => {
  let broker: KafkaBroker;
  let http: Server;

  beforeAll(async () => {
    broker = await startKafka();
    http = createServer((_req, res) => res.end('not Kafka'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    http?.close();
    await broker?.stop();
  }, 60_000);

  it('passes on a broker that processes requests', () => {
    expect(probe(Number(broker.bootstrapServers.split(':')[1]))).toBe(0);
  });

  it('fails on a closed port and on a server that is not Kafka', async () => {
    const [closed] = await freePorts(1);
    expect(probe(closed)).not.toBe(0);
    expect(probe((http.address() as AddressInfo).port)).not.toBe(0);
  });
});
