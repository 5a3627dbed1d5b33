/** A progress line every interval: events generated and delivered, the rate, errors, buffering. */
import { Logger } from './log';
import { SinkStats } from './sink';

export interface ProgressSource {
  generated(): number;
  /** Current clock time (ms since epoch), to show how far a synthetic run has got. */
  clockMillis(): number;
  skipped(): number;
  sinkStats(): SinkStats;
}

/** An unacknowledged request older than this is reported as a stall. */
const STALL_MILLIS = 10000;

export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastDelivered = 0;
  private lastAt = 0;

  constructor(
    private readonly source: ProgressSource,
    private readonly logger: Logger,
    private readonly intervalSeconds: number,
  ) {}

  start(): void {
    if (this.intervalSeconds <= 0) return;
    this.lastAt = Date.now();
    this.timer = setInterval(() => this.report(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  report(): void {
    const now = Date.now();
    const stats = this.source.sinkStats();
    const seconds = (now - this.lastAt) / 1000;
    const rate = seconds > 0 ? (stats.delivered - this.lastDelivered) / seconds : 0;
    this.lastDelivered = stats.delivered;
    this.lastAt = now;
    const clockMillis = this.source.clockMillis();
    this.logger.info('progress', {
      generated: this.source.generated(),
      delivered: stats.delivered,
      eventsPerSecond: Math.round(rate),
      pending: stats.pending,
      errors: stats.errors,
      skipped: this.source.skipped(),
      clock: Number.isFinite(clockMillis) ? new Date(Math.floor(clockMillis)).toISOString() : undefined,
    });
    if (stats.oldestAttemptMillis > STALL_MILLIS) {
      this.logger.warn('kafka has not acknowledged a request; still retrying', {
        waitingSeconds: Math.round(stats.oldestAttemptMillis / 1000),
        pending: stats.pending,
      });
    }
  }
}
