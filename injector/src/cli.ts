/** Entry point: `npm run --silent injector -- [flags]`, and the container's command. */
import { readFileSync } from 'node:fs';
import { userScoreAvroSchema } from '../../common/contract/event-schema';
import { EventSchemaError, avroEventEncoder, registerEventSchema } from './avro-events';
import { eventJson } from './events';
import { Config, FlagError, helpText, parseFlags } from './flags';
import { KafkaSink } from './kafka-sink';
import { Logger, createLogger } from './log';
import { PrintSink } from './print-sink';
import { EventEncoder, run } from './run';
import { Sink } from './sink';
import { StopSignal } from './stop';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    createLogger('error').error(`${e.message}; see --help`, { flag: e.flag });
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return 0;
  }
  const { config } = parsed;
  const logger = createLogger(config.logLevel);
  const stop = new StopSignal();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stop.requested) {
        logger.warn('second signal: exiting without waiting for acknowledgements', { signal });
        process.exit(130);
      }
      logger.info('signal received; flushing', { signal });
      stop.request(signal);
    });
  }
  const sink: Sink =
    config.output === 'print'
      ? new PrintSink()
      : new KafkaSink(
          {
            brokers: config.bootstrapServers,
            security: config.kafkaSecurity,
            saslPassword: config.saslPassword,
            topic: config.topic,
            partitions: config.partitions,
            replicationFactor: config.replicationFactor,
            bufferSize: config.bufferSize,
            batchSize: config.batchSize,
            maxBatchBytes: config.maxBatchBytes,
          },
          logger,
        );
  let encode: EventEncoder | undefined;
  try {
    encode = await eventEncoder(config, logger, stop);
  } catch (e) {
    if (!(e instanceof EventSchemaError)) throw e;
    logger.error(e.message);
    return 1;
  }
  if (encode === undefined) {
    logger.info('stopped before the first event', { reason: stop.reason });
    return 0;
  }
  return run(config, sink, logger, stop, encode);
}

/** JSON, or Avro once the registry has given the schema its id (undefined: stopped while waiting for it). */
async function eventEncoder(config: Config, logger: Logger, stop: StopSignal): Promise<EventEncoder | undefined> {
  if (config.format === 'json') return eventJson;
  let schema: string;
  try {
    schema = config.avroSchemaFile === undefined ? userScoreAvroSchema() : readFileSync(config.avroSchemaFile, 'utf8');
  } catch (e) {
    throw new EventSchemaError(`cannot read the Avro schema: ${(e as Error).message}`);
  }
  const id = await registerEventSchema(config.schemaRegistryUrl!, config.topic, schema, logger, stop);
  return id === undefined ? undefined : avroEventEncoder(schema, id);
}

// Exits explicitly: after a stop during start-up, KafkaJS may still hold reconnect timers that would
// keep a finished run alive. The print sink's close() waits until stdout has taken every line (a pipe
// can lag: a run once lost its last 19 lines here); log lines on stderr are small and written whole.
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    createLogger('error').error('unexpected failure', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(1);
  },
);
