/**
 * JSON lines on stdout. Lines are joined into chunks so a full-speed synthetic run is not bound by
 * one write per event; stdout's own back-pressure (write() returning false) pauses generation.
 */
import { Writable } from 'node:stream';
import { Sink, SinkStats } from './sink';

const CHUNK_BYTES = 64 * 1024;

export class PrintSink implements Sink {
  private chunk: string[] = [];
  private chunkBytes = 0;
  private accepted = 0;
  private delivered = 0;
  private blocked = false;
  private waiters: (() => void)[] = [];
  private fail: (e: Error) => void = () => {};
  readonly failed: Promise<Error>;

  constructor(private readonly out: Writable = process.stdout) {
    this.failed = new Promise((resolve) => {
      this.fail = resolve;
    });
    out.on('drain', () => this.unblock());
    out.on('error', (e: Error) => {
      this.fail(e);
      this.unblock();
    });
  }

  async start(): Promise<void> {}

  write(_key: string, value: string): boolean {
    this.accepted++;
    this.chunk.push(value);
    this.chunkBytes += value.length + 1;
    if (this.chunkBytes >= CHUNK_BYTES) this.flushChunk();
    return !this.blocked;
  }

  ready(): Promise<void> {
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<SinkStats> {
    this.flushChunk();
    if (this.blocked) await this.ready();
    // A pipe may still hold written chunks (stdout to a pipe is asynchronous when the reader lags), and
    // the CLI exits right after: an empty write's callback runs once every earlier chunk is out.
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
    return this.stats();
  }

  stats(): SinkStats {
    return { accepted: this.accepted, delivered: this.delivered, errors: 0, pending: this.accepted - this.delivered, oldestAttemptMillis: 0 };
  }

  private flushChunk(): void {
    if (this.chunk.length === 0) return;
    const count = this.chunk.length;
    const ok = this.out.write(`${this.chunk.join('\n')}\n`);
    this.delivered += count;
    this.chunk = [];
    this.chunkBytes = 0;
    if (!ok) this.blocked = true;
  }

  private unblock(): void {
    this.blocked = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
