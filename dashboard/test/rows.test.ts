import { METRICS } from '../../common/contract';
import { parseRow, rankOf } from '../src/rows';

const hot = METRICS.find((m) => m.id === 'hot_streaks')!;

describe('parseRow', () => {
  const good = { rnk: 1, user_id: 'USR-1', short_term_avg: 12.5, long_term_avg: 5, peak_hotness: 2.5, extra: 'ignored' };

  it('keeps exactly the contract columns', () => {
    expect(parseRow(hot, good)).toEqual({ ok: true, row: { rnk: 1, user_id: 'USR-1', short_term_avg: 12.5, long_term_avg: 5, peak_hotness: 2.5 } });
  });

  it.each([
    [null, 'row is not an object'],
    [[1], 'row is not an object'],
    [{ ...good, user_id: undefined }, "column 'user_id' is missing"],
    [{ ...good, user_id: 7 }, "column 'user_id' must be a string"],
    [{ ...good, rnk: 1.5 }, "column 'rnk' must be an integer"],
    [{ ...good, peak_hotness: Number.POSITIVE_INFINITY }, "column 'peak_hotness' must be a finite number"],
    [{ ...good, peak_hotness: 'NaN' }, "column 'peak_hotness' must be a finite number"],
    [{ ...good, rnk: 11 }, 'rnk 11 is outside 1..10'],
    [{ ...good, rnk: 0 }, 'rnk 0 is outside 1..10'],
  ])('rejects %j', (raw, reason) => {
    const result = parseRow(hot, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('rankOf', () => {
  it('reads the rank of a decoded {"rnk":N} key and refuses anything else', () => {
    expect(rankOf({ rnk: 3 })).toBe(3);
    expect(rankOf({ rnk: '4' })).toBe(4);
    expect(rankOf(null)).toBeUndefined();
    expect(rankOf(3)).toBeUndefined();
    expect(rankOf({ rnk: 12 })).toBeUndefined();
    expect(rankOf({ rnk: 0 })).toBeUndefined();
    expect(rankOf('not a key')).toBeUndefined();
  });
});
