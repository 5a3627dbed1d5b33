/**
 * Validation of rows coming from a sink (a PostgreSQL row or a decoded Kafka value) against the data
 * contract's columns. A row that does not fit is reported, never thrown, so one bad row cannot stop the
 * service.
 */
import { LEADERBOARD_SIZE, Leaderboards, MetricDefinition, MetricId } from '../../common/contract';

export type RowOf<K extends MetricId> = Leaderboards[K][number];
export type AnyRow = RowOf<MetricId>;

export type ParseResult<R> = { ok: true; row: R } | { ok: false; reason: string };

/** PostgreSQL returns BIGINT as a string (pg does not narrow int8 to a JS number); both are accepted. */
function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function toDouble(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Checks every contract column of `metric` in `raw` and returns a row holding exactly those columns.
 * Ranks outside 1..LEADERBOARD_SIZE are rejected: the jobs keep the top LEADERBOARD_SIZE only.
 */
export function parseRow<K extends MetricId>(metric: MetricDefinition & { id: K }, raw: unknown): ParseResult<RowOf<K>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'row is not an object' };
  const source = raw as Record<string, unknown>;
  const row: Record<string, string | number> = {};
  for (const column of metric.columns) {
    const value = source[column.name];
    if (value === undefined || value === null) return { ok: false, reason: `column '${column.name}' is missing` };
    switch (column.type) {
      case 'BIGINT': {
        const n = toInteger(value);
        if (n === undefined) return { ok: false, reason: `column '${column.name}' must be an integer, got ${JSON.stringify(value)}` };
        row[column.name] = n;
        break;
      }
      case 'DOUBLE': {
        const n = toDouble(value);
        if (n === undefined) return { ok: false, reason: `column '${column.name}' must be a finite number, got ${JSON.stringify(value)}` };
        row[column.name] = n;
        break;
      }
      case 'STRING':
        if (typeof value !== 'string') return { ok: false, reason: `column '${column.name}' must be a string, got ${JSON.stringify(value)}` };
        row[column.name] = value;
        break;
    }
  }
  const rank = row.rnk as number;
  if (rank < 1 || rank > LEADERBOARD_SIZE) return { ok: false, reason: `rnk ${rank} is outside 1..${LEADERBOARD_SIZE}` };
  // Safe: every column of the contract was checked for its declared type just above.
  return { ok: true, row: row as unknown as RowOf<K> };
}

/** The rank of a compacted topic's decoded key `{"rnk":N}` (JSON, or an Avro record), when it is in 1..LEADERBOARD_SIZE. */
export function rankOf(key: unknown): number | undefined {
  if (typeof key !== 'object' || key === null) return undefined;
  const rank = toInteger((key as Record<string, unknown>).rnk);
  return rank !== undefined && rank >= 1 && rank <= LEADERBOARD_SIZE ? rank : undefined;
}
