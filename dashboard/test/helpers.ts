/** Shared by the dashboard's integration and browser suites: an in-process dashboard and an SSE reader. */
import { IncomingMessage, get } from 'node:http';
import { loadPageAssets } from '../src/assets';
import { parseConfig } from '../src/config';
import { RunningDashboard, startDashboard } from '../src/dashboard';
import { createLogger } from '../src/log';

export async function runDashboard(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningDashboard> {
  const config = parseConfig(['--port', '0', '--log-level', process.env.DASHBOARD_TEST_LOG ?? 'error', ...flags], env);
  if (config === undefined) throw new Error('no config');
  return startDashboard(config, await loadPageAssets(), createLogger(config.logLevel));
}

export interface SseEvent {
  event: string;
  data: unknown;
  at: number;
}

/** Reads a server-sent event stream, collecting events; `next` waits for one matching a predicate. */
export class SseReader {
  readonly events: SseEvent[] = [];
  private response: IncomingMessage | undefined;
  private buffer = '';
  private waiters: { predicate: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];

  /** Opens a stream at `url`, from `localAddress` (another loopback address, say) when given. */
  static open(url: string, localAddress?: string): Promise<SseReader> {
    const reader = new SseReader();
    return new Promise((resolve, reject) => {
      get(url, { headers: { Accept: 'text/event-stream' }, localAddress }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream answered ${res.statusCode}`));
          res.resume();
          return;
        }
        reader.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => reader.feed(chunk));
        resolve(reader);
      }).on('error', reject);
    });
  }

  /** Waits for the first event (already received or future) at index >= `from` matching `predicate`. */
  next(predicate: (e: SseEvent) => boolean, timeoutMs = 20_000, from = 0): Promise<SseEvent> {
    const seen = this.events.slice(from).find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (e: SseEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.response?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      const parsed: SseEvent = { event, data: JSON.parse(data.join('\n')), at: Date.now() };
      this.events.push(parsed);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(parsed)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(parsed);
        }
      }
    }
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

export const boardEvent = (id: string) => (e: SseEvent) => e.event === 'board' && (e.data as { id: string }).id === id;
