/**
 * The generation loop: clock → event → sink, until --max-events, --duration, a signal or a fatal
 * sink error; then flush and report.
 */
import { Clock, RealClock, SyntheticClock } from './clock';
import { Config } from './flags';
import { EventGenerator, GameEvent } from './events';
import { Logger } from './log';
import { deriveSeed, Prng } from './prng';
import { ProgressReporter } from './progress';
import { Sink } from './sink';
import { StopSignal } from './stop';

/** Events generated between yields to the event loop, so network I/O keeps flowing at full speed. */
const EVENTS_PER_SLICE = 2048;

/** Separate streams: the clock's draws never shift which events are generated. */
const EVENT_STREAM = 1;
const CLOCK_STREAM = 2;

export function createClock(config: Config): Clock {
  const prng = new Prng(deriveSeed(config.seed, CLOCK_STREAM));
  return config.clock === 'synthetic'
    ? new SyntheticClock(config.startTimeMillis as number, config.avgQps, prng)
    : new RealClock(config.avgQps, prng);
}

export function createGenerator(config: Config, startMillis: number, logger: Logger): EventGenerator {
  return new EventGenerator(config, new Prng(deriveSeed(config.seed, EVENT_STREAM)), startMillis, (gone, live) =>
    logger.debug('teams replaced', { gone: gone.map((t) => t.name), live: live.map((t) => t.name) }),
  );
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An event's record value in the configured format. */
export type EventEncoder = (e: GameEvent) => string | Buffer;

export async function run(config: Config, sink: Sink, logger: Logger, stop: StopSignal, encode: EventEncoder): Promise<number> {
  const startedAt = Date.now();
  logger.info('starting', {
    output: config.output,
    topic: config.output === 'kafka' ? config.topic : undefined,
    format: config.format,
    clock: config.clock,
    avgQps: config.avgQps,
    seed: config.seed,
    maxEvents: config.maxEvents || undefined,
    durationSeconds: config.durationSeconds || undefined,
  });

  let fatal: Error | undefined;
  void sink.failed.then((e) => {
    fatal = e;
    stop.request((e as NodeJS.ErrnoException).code === 'EPIPE' ? 'stdout closed' : 'sink failed');
  });

  try {
    await Promise.race([sink.start(), stop.stopped]);
  } catch (e) {
    logger.error('could not start the sink', { error: (e as Error).message });
    return 1;
  }
  if (stop.requested) {
    logger.info('stopped before the first event', { reason: stop.reason });
    await sink.close(0);
    return fatal === undefined ? 0 : 1;
  }

  const clock = createClock(config);
  const generator = createGenerator(config, clock.startMillis, logger);
  const endMillis = config.durationSeconds > 0 ? clock.startMillis + config.durationSeconds * 1000 : Infinity;
  let generated = 0;
  let clockMillis = clock.startMillis;
  const progress = new ProgressReporter(
    { generated: () => generated, clockMillis: () => clockMillis, skipped: () => clock.skipped, sinkStats: () => sink.stats() },
    logger,
    config.progressIntervalSeconds,
  );
  progress.start();

  let reason = 'signal';
  generation: for (;;) {
    for (let i = 0; i < EVENTS_PER_SLICE; i++) {
      if (stop.requested) break generation;
      if (config.maxEvents > 0 && generated >= config.maxEvents) {
        reason = 'max-events';
        break generation;
      }
      const at = clock.advance();
      if (at >= endMillis) {
        await stop.sleep(clock.delayUntil(endMillis));
        reason = stop.requested ? 'signal' : 'duration';
        break generation;
      }
      const delay = clock.delayUntil(at);
      if (delay > 0) {
        await stop.sleep(delay);
        if (stop.requested) break generation;
      }
      clockMillis = at;
      const event = generator.next(at);
      generated++;
      if (!sink.write(event.userId, encode(event))) {
        await Promise.race([sink.ready(), stop.stopped]);
      }
    }
    await yieldToEventLoop();
  }
  if (stop.requested) reason = stop.reason ?? reason;

  logger.info('stopping', { reason, generated });
  const stats = await sink.close(config.shutdownTimeoutSeconds * 1000);
  progress.stop();
  const seconds = (Date.now() - startedAt) / 1000;
  const cpu = process.cpuUsage();
  const summary = {
    reason,
    generated,
    delivered: stats.delivered,
    pending: stats.pending,
    errors: stats.errors,
    skipped: clock.skipped,
    seconds: Math.round(seconds * 10) / 10,
    eventsPerSecond: seconds > 0 ? Math.round(stats.delivered / seconds) : 0,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
  };
  if (fatal !== undefined && (fatal as NodeJS.ErrnoException).code === 'EPIPE') {
    logger.info('finished: the reader closed stdout', summary);
    return 0;
  }
  if (fatal !== undefined) {
    logger.error('finished with a delivery failure', { ...summary, error: fatal.message });
    return 1;
  }
  if (stats.pending > 0) {
    logger.error('finished with events not acknowledged', summary);
    return 1;
  }
  logger.info('finished', summary);
  return 0;
}
