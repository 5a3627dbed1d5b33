/**
 * JDBC variant: reads the four tables with one connection as the read-only role. Changes arrive as
 * NOTIFY on CHANGE_CHANNEL from statement-level triggers (see postgres-setup.ts); each burst of
 * notifications becomes one read of the changed tables, whatever the number of viewers. Without the
 * triggers it falls back to polling. A lost connection is retried with backoff, and a fresh connection
 * starts with a full read so nothing missed while down stays missing.
 */
import { Client, ClientConfig, Notification } from 'pg';
import { METRICS, MetricId, POSTGRES_SCHEMA } from '../../../common/contract';
import { LeaderboardStore } from '../board-state';
import { Logger, errorMessage } from '../log';
import { CHANGE_CHANNEL, CHANGE_TRIGGER } from '../postgres-setup';
import { LeaderboardSource, SourceStatus, backoffMs } from './source';

const HEARTBEAT_MS = 5_000;

export interface PostgresSourceOptions {
  /** Connection settings; unset fields fall back to pg's PG* environment variables. */
  connection: ClientConfig;
  target: string;
  pollIntervalMs: number;
  store: LeaderboardStore;
  logger: Logger;
  onStatus: (status: SourceStatus) => void;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function selectSql(id: MetricId): string {
  const metric = METRICS.find((m) => m.id === id);
  if (metric === undefined) throw new Error(`unknown board '${id}'`);
  const columns = metric.columns.map((c) => quoteIdent(c.name)).join(', ');
  return `SELECT ${columns} FROM ${quoteIdent(POSTGRES_SCHEMA)}.${quoteIdent(metric.table)} ORDER BY rnk`;
}

export class PostgresSource implements LeaderboardSource {
  private client: Client | undefined;
  private current: SourceStatus;
  private stopped = false;
  private attempt = 0;
  private readonly dirty = new Set<MetricId>();
  private reading = false;
  private timers: NodeJS.Timeout[] = [];
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: PostgresSourceOptions) {
    this.current = { kind: 'jdbc', component: 'postgresql', target: options.target, up: false, detail: 'connecting', since: new Date().toISOString() };
  }

  status(): SourceStatus {
    return this.current;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      application_name: 'leaderboard-dashboard',
      connectionTimeoutMillis: 5_000,
      query_timeout: 10_000,
      keepAlive: true,
      ...this.options.connection,
    });
    this.client = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection closed by the server')));
    client.on('notification', (msg) => this.notified(client, msg));
    try {
      await client.connect();
      await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
      const untriggered = await this.tablesWithoutTrigger(client);
      await client.query(`LISTEN ${quoteIdent(CHANGE_CHANNEL)}`);
      await this.read(client, METRICS.map((m) => m.id));
      if (client !== this.client) return;
      this.options.store.markLoaded();
      this.attempt = 0;
      this.setStatus(true);
      this.timers.push(setInterval(() => void this.ping(client), HEARTBEAT_MS));
      if (untriggered.length > 0) {
        this.options.logger.warn('change triggers missing; polling instead', {
          tables: untriggered,
          pollIntervalMs: this.options.pollIntervalMs,
        });
        this.timers.push(setInterval(() => this.markDirty(client, METRICS.map((m) => m.id)), this.options.pollIntervalMs));
      }
    } catch (err) {
      this.lost(client, err);
    }
  }

  private async tablesWithoutTrigger(client: Client): Promise<string[]> {
    const result = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND t.tgname = $2`,
      [POSTGRES_SCHEMA, CHANGE_TRIGGER],
    );
    const triggered = new Set(result.rows.map((r) => r.relname));
    return METRICS.map((m) => m.table).filter((t) => !triggered.has(t));
  }

  private notified(client: Client, msg: Notification): void {
    const metric = METRICS.find((m) => m.table === msg.payload);
    if (metric === undefined) {
      this.options.logger.warn('notification for an unknown table ignored', { payload: msg.payload });
      return;
    }
    this.markDirty(client, [metric.id]);
  }

  /** Notifications that arrive while a read runs collapse into one follow-up read. */
  private markDirty(client: Client, ids: readonly MetricId[]): void {
    for (const id of ids) this.dirty.add(id);
    if (this.reading || client !== this.client) return;
    void this.drain(client);
  }

  private async drain(client: Client): Promise<void> {
    this.reading = true;
    try {
      while (this.dirty.size > 0 && client === this.client) {
        const ids = [...this.dirty];
        this.dirty.clear();
        await this.read(client, ids);
      }
    } catch (err) {
      this.lost(client, err);
    } finally {
      this.reading = false;
    }
  }

  /** One round trip reads every table in `ids` (several statements in one simple query). */
  private async read(client: Client, ids: readonly MetricId[]): Promise<void> {
    const text = ids.map(selectSql).join(';\n');
    const raw = await client.query(text);
    this.options.store.recordSourceRead();
    const results = Array.isArray(raw) ? raw : [raw];
    if (client !== this.client) return;
    ids.forEach((id, i) => this.options.store.replaceBoard(id, results[i].rows));
  }

  private async ping(client: Client): Promise<void> {
    if (this.reading || client !== this.client) return;
    try {
      await client.query('SELECT 1');
    } catch (err) {
      this.lost(client, err);
    }
  }

  private lost(client: Client, err: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.clearTimers();
    this.dirty.clear();
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const detail = `postgresql at ${this.options.target} unreachable: ${errorMessage(err)}`;
    if (this.current.up || this.attempt === 0) this.options.logger.warn('source down; reconnecting', { detail });
    this.setStatus(false, detail);
    if (this.stopped) return;
    const delay = backoffMs(this.attempt++);
    this.retry = setTimeout(() => void this.connect(), delay);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private setStatus(up: boolean, detail?: string): void {
    if (this.current.up === up && this.current.detail === detail) return;
    const wasUp = this.current.up;
    this.current = { kind: 'jdbc', component: 'postgresql', target: this.options.target, up, ...(detail ? { detail } : {}), since: new Date().toISOString() };
    if (up && !wasUp) this.options.logger.info('source live', { target: this.options.target });
    this.options.onStatus(this.current);
  }
}
