/**
 * KafkaJS's own log lines, condensed. During an outage KafkaJS logs several errors per retry and
 * connection; the operator needs one line saying Kafka is unavailable, a reminder while it stays so,
 * and one line when it is back. Everything KafkaJS says remains available at --log-level debug.
 */
import { LogEntry, logLevel } from 'kafkajs';
import { Logger } from './log';

export class KafkaLogForwarder {
  private outageSince: number | undefined;
  private lastWarnAt = 0;
  private suppressed = 0;
  private problemCount = 0;

  constructor(
    private readonly logger: Logger,
    private readonly reminderMillis = 10000,
    private readonly now: () => number = Date.now,
  ) {}

  forward(entry: LogEntry): void {
    const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...extra } = entry.log as unknown as Record<string, unknown> & {
      message: string;
    };
    const fields = { kafkajs: entry.namespace, ...extra };
    this.logger.debug(`kafkajs: ${message}`, fields);
    if (entry.level === logLevel.ERROR || entry.level === logLevel.WARN) this.problem(message, extra.error);
  }

  /** Errors and warnings KafkaJS has reported (each one a failed attempt it retries). */
  get problems(): number {
    return this.problemCount;
  }

  /** Something worked again (a connection, an acknowledged request): ends an outage. */
  recovered(): void {
    if (this.outageSince === undefined) return;
    this.logger.info('kafka available again', { unavailableSeconds: Math.round((this.now() - this.outageSince) / 1000) });
    this.outageSince = undefined;
    this.suppressed = 0;
  }

  private problem(message: string, error: unknown): void {
    this.problemCount++;
    const now = this.now();
    const detail = typeof error === 'string' && !message.includes(error) ? `${message}: ${error}` : message;
    if (this.outageSince === undefined) {
      this.outageSince = now;
      this.lastWarnAt = now;
      this.logger.warn('kafka unavailable; retrying', { error: detail });
    } else if (now - this.lastWarnAt >= this.reminderMillis) {
      this.lastWarnAt = now;
      this.logger.warn('kafka still unavailable; retrying', {
        error: detail,
        unavailableSeconds: Math.round((now - this.outageSince) / 1000),
        similarMessages: this.suppressed,
      });
      this.suppressed = 0;
    } else {
      this.suppressed++;
    }
  }
}
