/**
 * A rank-keyed sink passes through transient states while ranks shift (one player at two ranks, a rank
 * missing, an order that is not yet sorted). A board is consistent when its ranks are exactly 1..N, each
 * identity appears at most once and the ranking value never increases down the board.
 */
import { MetricId } from '../../common/contract';
import { BOARD_VIEWS } from './board-views';
import { AnyRow } from './rows';

/** Returns why `rows` (sorted by rank) is not a consistent board, or undefined when it is. */
export function inconsistency(metric: MetricId, rows: readonly AnyRow[]): string | undefined {
  const view = BOARD_VIEWS[metric];
  const cells = rows as unknown as readonly Record<string, string | number>[];
  for (let i = 0; i < cells.length; i++) {
    if (cells[i].rnk !== i + 1) return `rank ${i + 1} is missing`;
  }
  for (const column of view.identityColumns) {
    const seen = new Map<string | number, number>();
    for (const row of cells) {
      const first = seen.get(row[column]);
      if (first !== undefined) return `${column} ${JSON.stringify(row[column])} is at ranks ${first} and ${row.rnk}`;
      seen.set(row[column], row.rnk as number);
    }
  }
  for (let i = 1; i < cells.length; i++) {
    if ((cells[i][view.valueColumn] as number) > (cells[i - 1][view.valueColumn] as number)) {
      return `${view.valueColumn} rises from rank ${i} to rank ${i + 1}`;
    }
  }
  return undefined;
}
