/**
 * The dashboard's view of the four leaderboards. Sources write rows into it (a full table read, or
 * single-rank upserts and deletes followed by `settle`); it publishes a board only when the board is
 * consistent, holding an inconsistent state back for at most `holdBackMs`, after which the state is
 * published flagged as inconsistent so a sink that stays broken is still visible rather than frozen.
 */
import { METRICS, MetricDefinition, MetricId } from '../../common/contract';
import { inconsistency } from './consistency';
import { Logger } from './log';
import { AnyRow, parseRow } from './rows';

export interface PublishedBoard {
  id: MetricId;
  title: string;
  rows: AnyRow[];
  /** False only when the hold-back bound expired before the board became consistent. */
  consistent: boolean;
  inconsistency?: string;
  /** ISO time of the last published change, null before the first. */
  updatedAt: string | null;
}

export interface StoreStats {
  /** Times a board was held back because it was inconsistent. */
  heldBack: number;
  /** Times the hold-back bound expired and an inconsistent board was published. */
  releasedInconsistent: number;
  badRows: number;
  /** Reads of the source (table reads, fetched batches); each fans out to every client. */
  sourceReads: number;
  publishes: number;
}

export interface StoreOptions {
  holdBackMs: number;
  logger: Logger;
  onPublish: (board: PublishedBoard) => void;
  /** Called once, when the source has delivered its first complete state. */
  onLoaded?: () => void;
  now?: () => Date;
}

class BoardState {
  readonly current = new Map<number, AnyRow>();
  published: PublishedBoard;
  publishedKey = '';
  holdTimer: NodeJS.Timeout | undefined;
  /** Set once the hold-back bound expired; further inconsistent states are published directly until it heals. */
  released = false;
  /** Reasons of bad rows already logged, so a persistently bad row is logged once, not on every read. */
  loggedBad = new Set<string>();

  constructor(readonly metric: MetricDefinition) {
    this.published = { id: metric.id, title: metric.title, rows: [], consistent: true, updatedAt: null };
    this.publishedKey = publicationKey([], true);
  }

  sortedRows(): AnyRow[] {
    return [...this.current.values()].sort((a, b) => a.rnk - b.rnk);
  }
}

function publicationKey(rows: readonly AnyRow[], consistent: boolean): string {
  return `${consistent ? 'c' : 'i'}${JSON.stringify(rows)}`;
}

export class LeaderboardStore {
  readonly stats: StoreStats = { heldBack: 0, releasedInconsistent: 0, badRows: 0, sourceReads: 0, publishes: 0 };
  private readonly boards = new Map<MetricId, BoardState>();
  private readonly now: () => Date;
  private lastChange: string | null = null;
  private loaded = false;

  constructor(private readonly options: StoreOptions) {
    this.now = options.now ?? (() => new Date());
    for (const metric of METRICS) this.boards.set(metric.id, new BoardState(metric));
  }

  recordSourceRead(): void {
    this.stats.sourceReads++;
  }

  /** The source has delivered a complete state: empty boards from now on mean empty, not unknown. */
  markLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.options.onLoaded?.();
  }

  /** Replaces a board's rows with a full read of its table; bad rows are logged and skipped. */
  replaceBoard(id: MetricId, rawRows: readonly unknown[]): void {
    const board = this.board(id);
    board.current.clear();
    for (const raw of rawRows) {
      const parsed = parseRow(board.metric, raw);
      if (!parsed.ok) {
        this.badRow(board, parsed.reason, raw);
        continue;
      }
      if (board.current.has(parsed.row.rnk)) {
        this.badRow(board, `rnk ${parsed.row.rnk} appears twice`, raw);
        continue;
      }
      board.current.set(parsed.row.rnk, parsed.row);
    }
    this.settle(id);
  }

  /**
   * Sets the row at `rank`. A bad value removes the rank's previous row: the source no longer holds it,
   * and showing it would be showing a row that is gone.
   */
  upsert(id: MetricId, rank: number, raw: unknown): void {
    const board = this.board(id);
    const parsed = parseRow(board.metric, raw);
    if (!parsed.ok) {
      this.badRow(board, parsed.reason, raw);
      board.current.delete(rank);
      return;
    }
    if (parsed.row.rnk !== rank) {
      this.badRow(board, `value rnk ${parsed.row.rnk} differs from key rnk ${rank}`, raw);
      board.current.delete(rank);
      return;
    }
    board.current.set(rank, parsed.row);
  }

  /** A record the source could not even decode; the rank it names (if any) no longer has a valid row. */
  reject(id: MetricId, rank: number | undefined, reason: string, raw: unknown): void {
    const board = this.board(id);
    this.badRow(board, reason, raw);
    if (rank !== undefined) board.current.delete(rank);
  }

  remove(id: MetricId, rank: number): void {
    this.board(id).current.delete(rank);
  }

  /** Publishes the board if it is consistent and changed, or starts (or continues) holding it back. */
  settle(id: MetricId): void {
    const board = this.board(id);
    const rows = board.sortedRows();
    const reason = inconsistency(id, rows);
    if (reason === undefined) {
      this.stopHold(board);
      board.released = false;
      this.publish(board, rows, undefined);
      return;
    }
    if (board.released) {
      this.publish(board, rows, reason);
      return;
    }
    if (board.holdTimer !== undefined) return;
    this.stats.heldBack++;
    this.options.logger.debug('board held back', { board: id, reason });
    board.holdTimer = setTimeout(() => this.release(board), this.options.holdBackMs);
  }

  settleAll(): void {
    for (const id of this.boards.keys()) this.settle(id);
  }

  snapshot(): { loaded: boolean; updatedAt: string | null; boards: Record<MetricId, PublishedBoard> } {
    const boards = {} as Record<MetricId, PublishedBoard>;
    for (const [id, board] of this.boards) boards[id] = board.published;
    return { loaded: this.loaded, updatedAt: this.lastChange, boards };
  }

  close(): void {
    for (const board of this.boards.values()) this.stopHold(board);
  }

  private release(board: BoardState): void {
    board.holdTimer = undefined;
    const rows = board.sortedRows();
    const reason = inconsistency(board.metric.id, rows);
    if (reason === undefined) {
      this.publish(board, rows, undefined);
      return;
    }
    board.released = true;
    this.stats.releasedInconsistent++;
    this.options.logger.warn('board stayed inconsistent past the hold-back bound; publishing it flagged', {
      board: board.metric.id,
      reason,
      holdBackMs: this.options.holdBackMs,
    });
    this.publish(board, rows, reason);
  }

  private publish(board: BoardState, rows: AnyRow[], reason: string | undefined): void {
    const key = publicationKey(rows, reason === undefined);
    if (key === board.publishedKey) return;
    const at = this.now().toISOString();
    board.publishedKey = key;
    board.published = {
      id: board.metric.id,
      title: board.metric.title,
      rows,
      consistent: reason === undefined,
      ...(reason === undefined ? {} : { inconsistency: reason }),
      updatedAt: at,
    };
    this.lastChange = at;
    this.stats.publishes++;
    this.options.onPublish(board.published);
  }

  private stopHold(board: BoardState): void {
    if (board.holdTimer !== undefined) clearTimeout(board.holdTimer);
    board.holdTimer = undefined;
  }

  private badRow(board: BoardState, reason: string, raw: unknown): void {
    const signature = `${reason}|${safeJson(raw)}`;
    if (board.loggedBad.has(signature)) return;
    if (board.loggedBad.size > 1000) board.loggedBad.clear();
    board.loggedBad.add(signature);
    this.stats.badRows++;
    this.options.logger.warn('bad row skipped', { board: board.metric.id, reason, row: safeJson(raw) });
  }

  private board(id: MetricId): BoardState {
    const board = this.boards.get(id);
    if (board === undefined) throw new Error(`unknown board '${id}'`);
    return board;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
