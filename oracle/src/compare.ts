/**
 * Compares leaderboards from the pipeline with the oracle's and describes the first difference, ready
 * for a test failure message. DOUBLE columns match within a relative tolerance (Flink may sum in
 * another order); every other column must be equal.
 */
import { Leaderboards, METRICS, MetricDefinition, MetricId } from '../../common/contract';

export interface CompareOptions {
  /**
   * Largest accepted |expected - actual| / max(|expected|, |actual|) for DOUBLE columns.
   * @default 1e-9
   */
  readonly relativeTolerance?: number;
  /**
   * The boards to compare.
   * @default - every metric
   */
  readonly metrics?: readonly MetricId[];
}

type Row = Readonly<Record<string, unknown>>;

function doublesMatch(expected: unknown, actual: unknown, tolerance: number): boolean {
  if (typeof expected !== 'number' || typeof actual !== 'number') return false;
  if (expected === actual) return true;
  return Math.abs(expected - actual) <= tolerance * Math.max(Math.abs(expected), Math.abs(actual));
}

const show = (row: Row | undefined): string => (row === undefined ? '(no row)' : JSON.stringify(row));

const byRank = (rows: readonly Row[]): Row[] => [...rows].sort((a, b) => Number(a.rnk) - Number(b.rnk));

/** The first difference of one board (rows in rank order), or undefined when the boards match. */
export function compareBoard(
  metric: MetricDefinition,
  expectedRows: readonly object[],
  actualRows: readonly object[],
  options: CompareOptions = {},
): string | undefined {
  const tolerance = options.relativeTolerance ?? 1e-9;
  const expected = byRank(expectedRows as readonly Row[]);
  const actual = byRank(actualRows as readonly Row[]);
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    const differing =
      want === undefined || got === undefined
        ? []
        : metric.columns.filter((c) =>
            c.type === 'DOUBLE' ? !doublesMatch(want[c.name], got[c.name], tolerance) : want[c.name] !== got[c.name],
          );
    if (want === undefined || got === undefined || differing.length > 0) {
      const columns = differing.length > 0 ? ` (column${differing.length > 1 ? 's' : ''} ${differing.map((c) => c.name).join(', ')})` : '';
      return (
        `${metric.title} (${metric.id}) differs at row ${i + 1} of expected ${expected.length}, got ${actual.length}${columns}:\n` +
        `  expected ${show(want)}\n` +
        `  got      ${show(got)}`
      );
    }
  }
  return undefined;
}

/** The first difference over the boards, in contract order, or undefined when all match. */
export function compareLeaderboards(expected: Leaderboards, actual: Leaderboards, options: CompareOptions = {}): string | undefined {
  for (const metric of METRICS) {
    if (options.metrics !== undefined && !options.metrics.includes(metric.id)) continue;
    const difference = compareBoard(metric, expected[metric.id], actual[metric.id], options);
    if (difference !== undefined) return difference;
  }
  return undefined;
}
