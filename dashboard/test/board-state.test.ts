import { LeaderboardStore, PublishedBoard } from '../src/board-state';
import { createLogger } from '../src/log';

const team = (rnk: number, name: string, score: number) => ({ rnk, team_id: `id-${name}`, team_name: name, total_score: score });

function makeStore(holdBackMs = 1000) {
  const published: PublishedBoard[] = [];
  const logs: string[] = [];
  const store = new LeaderboardStore({
    holdBackMs,
    logger: createLogger('debug', (line) => logs.push(line)),
    onPublish: (board) => published.push(board),
  });
  return { store, published, logs };
}

describe('LeaderboardStore', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('publishes a full read as a snapshot, in rank order, with numbers from BIGINT strings', () => {
    const { store, published } = makeStore();
    store.replaceBoard('top_teams', [team(2, 'B', 5), { rnk: '1', team_id: 'id-A', team_name: 'A', total_score: '9' }]);
    expect(published).toHaveLength(1);
    expect(published[0].rows).toEqual([team(1, 'A', 9), team(2, 'B', 5)]);
    expect(published[0].consistent).toBe(true);
    const snap = store.snapshot();
    expect(snap.boards.top_teams.rows).toEqual([team(1, 'A', 9), team(2, 'B', 5)]);
    expect(snap.boards.top_players.rows).toEqual([]);
    expect(snap.updatedAt).toBe(published[0].updatedAt);
  });

  it('does not publish an unchanged board again', () => {
    const { store, published } = makeStore();
    store.replaceBoard('top_teams', [team(1, 'A', 9)]);
    store.replaceBoard('top_teams', [team(1, 'A', 9)]);
    expect(published).toHaveLength(1);
  });

  it('applies upserts and tombstones per rank, publishing on settle', () => {
    const { store, published } = makeStore();
    store.upsert('top_teams', 1, team(1, 'A', 9));
    store.upsert('top_teams', 2, team(2, 'B', 5));
    store.upsert('top_teams', 3, team(3, 'C', 1));
    expect(published).toHaveLength(0);
    store.settle('top_teams');
    expect(published.at(-1)?.rows.map((r) => r.rnk)).toEqual([1, 2, 3]);
    store.remove('top_teams', 3);
    store.upsert('top_teams', 1, team(1, 'A', 12));
    store.settle('top_teams');
    expect(published.at(-1)?.rows).toEqual([team(1, 'A', 12), team(2, 'B', 5)]);
  });

  it('holds back a transient duplicate and publishes once the rank shift completes', () => {
    const { store, published } = makeStore(1000);
    store.replaceBoard('top_teams', [team(1, 'A', 9), team(2, 'B', 5)]);
    // B overtakes A: rank 1 is written first, so B is briefly at two ranks.
    store.upsert('top_teams', 1, team(1, 'B', 11));
    store.settle('top_teams');
    expect(published).toHaveLength(1);
    expect(store.stats.heldBack).toBe(1);
    jest.advanceTimersByTime(500);
    store.upsert('top_teams', 2, team(2, 'A', 9));
    store.settle('top_teams');
    expect(published).toHaveLength(2);
    expect(published[1].rows).toEqual([team(1, 'B', 11), team(2, 'A', 9)]);
    jest.advanceTimersByTime(5000);
    expect(published).toHaveLength(2);
    expect(store.stats.releasedInconsistent).toBe(0);
  });

  it('holds back a missing rank for a bounded time, then publishes it flagged and counts it', () => {
    const { store, published } = makeStore(1000);
    store.replaceBoard('top_teams', [team(1, 'A', 9), team(3, 'C', 1)]);
    expect(published).toHaveLength(0);
    jest.advanceTimersByTime(999);
    expect(published).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(published).toHaveLength(1);
    expect(published[0].consistent).toBe(false);
    expect(published[0].inconsistency).toBe('rank 2 is missing');
    expect(store.stats).toMatchObject({ heldBack: 1, releasedInconsistent: 1 });
    // Once released, further inconsistent states are shown at once; healing clears the flag.
    store.replaceBoard('top_teams', [team(1, 'A', 10), team(3, 'C', 1)]);
    expect(published).toHaveLength(2);
    store.replaceBoard('top_teams', [team(1, 'A', 10), team(2, 'C', 1)]);
    expect(published.at(-1)).toMatchObject({ consistent: true });
    expect(published.at(-1)?.inconsistency).toBeUndefined();
  });

  it('skips a bad row, logs it once and counts it', () => {
    const { store, published, logs } = makeStore(0);
    const bad = { rnk: 2, team_id: 'x', team_name: 'X', total_score: 'lots' };
    store.replaceBoard('top_teams', [team(1, 'A', 9), bad]);
    store.replaceBoard('top_teams', [team(1, 'A', 9), bad]);
    expect(published[0].rows).toEqual([team(1, 'A', 9)]);
    expect(store.stats.badRows).toBe(1);
    const warnings = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'bad row skipped');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', board: 'top_teams' });
    expect(warnings[0].reason).toContain('total_score');
  });

  it('drops the previous row of a rank whose new value is bad', () => {
    const { store, published } = makeStore(0);
    store.upsert('top_teams', 1, team(1, 'A', 9));
    store.settle('top_teams');
    store.upsert('top_teams', 1, { rnk: 1, team_name: 'A' });
    store.settle('top_teams');
    expect(published.at(-1)?.rows).toEqual([]);
    store.reject('top_teams', undefined, 'key is not JSON', 'garbage');
    expect(store.stats.badRows).toBe(2);
  });

  it('keeps hostile text as data, unchanged', () => {
    const { store, published } = makeStore();
    const name = '<script>alert(1)</script>\n"quoted"';
    store.replaceBoard('top_teams', [team(1, name, 3)]);
    expect((published[0].rows[0] as { team_name: string }).team_name).toBe(name);
  });
});
