/** Entry point of the schema registry service: `node schema-registry.js`, settings from the environment (config.ts). */
import { AddressInfo } from 'node:net';
import { Kafka, LogEntry, logLevel } from 'kafkajs';
import { kafkajsSecurity } from '../../common/kafka-client';
import { createLogger, errorMessage } from '../../common/log';
import { ConfigError, parseRegistryConfig } from './config';
import { createRegistryServer } from './http-api';
import { SchemaRegistry } from './registry';
import { RegistryState } from './registry-state';
import { SchemaLog } from './schema-log';

async function main(): Promise<void> {
  let config;
  try {
    config = parseRegistryConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`schema-registry: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger('schema-registry', config.logLevel);
  const kafka = new Kafka({
    clientId: 'leaderboard-schema-registry',
    brokers: config.brokers,
    ...kafkajsSecurity(config.security, config.saslPassword),
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => logger.debug('kafkajs', { namespace: entry.namespace, message: entry.log.message }),
  });
  const state = new RegistryState();
  const log = await SchemaLog.open({ kafka, topic: config.topic, replicationFactor: config.replicationFactor, logger }, state);
  const server = createRegistryServer(new SchemaRegistry(state, (record) => log.append(record)), logger);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  logger.info('listening', { host: config.host, port: (server.address() as AddressInfo).port, topic: config.topic });
  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    setTimeout(() => process.exit(1), 5_000).unref();
    server.close();
    void log.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', component: 'schema-registry', msg: 'fatal', error: errorMessage(err) })}\n`);
  process.exit(1);
});
