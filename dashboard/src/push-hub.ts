/**
 * Server-sent events to every connected browser. A change is serialized once and the same frame is
 * written to all clients, so the cost of a source read does not grow with the number of viewers. A
 * client that cannot keep up is dropped; its EventSource reconnects and receives a fresh snapshot.
 */
import { ServerResponse } from 'node:http';
import { Logger } from './log';

/** Bytes a slow client may have queued before it is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
const RECONNECT_DELAY_MS = 2_000;

/**
 * One SSE frame. JSON.stringify escapes CR and LF, the only characters that end an SSE line, so a row
 * value can never break out of its `data:` line.
 */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Why a stream was not opened: the hub is full, or the caller's address holds its share already. */
export type Refusal = 'full' | 'address';

export class PushHub {
  private readonly clients = new Set<ServerResponse>();
  /** Open streams per remote address, so that one client cannot take every slot. */
  private readonly perAddress = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly maxClients: number,
    private readonly maxClientsPerAddress: number = maxClients,
  ) {
    this.heartbeat = setInterval(() => this.writeAll(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Opens a stream on `res` and sends it `initialFrame` (the current snapshot); says why not when it cannot. */
  add(res: ServerResponse, initialFrame: string): Refusal | undefined {
    if (this.clients.size >= this.maxClients) return 'full';
    const address = res.socket?.remoteAddress ?? '';
    const held = this.perAddress.get(address) ?? 0;
    if (held >= this.maxClientsPerAddress) return 'address';
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(`retry: ${RECONNECT_DELAY_MS}\n\n${initialFrame}`);
    this.clients.add(res);
    this.perAddress.set(address, held + 1);
    res.on('close', () => {
      this.clients.delete(res);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    this.logger.debug('push client connected', { clients: this.clients.size });
    return undefined;
  }

  broadcast(event: string, data: unknown): void {
    this.writeAll(sseFrame(event, data));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private writeAll(frame: string): void {
    const bytes = Buffer.from(frame, 'utf8');
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.logger.warn('dropping a push client that does not keep up', { bufferedBytes: res.writableLength });
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(bytes);
    }
  }
}
