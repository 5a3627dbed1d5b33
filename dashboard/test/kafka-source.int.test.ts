/**
 * The Kafka variant against a real broker: compacted rank-keyed topics written the way upsert-Kafka
 * writes them appear in /api/leaderboards and on the push stream, replays never show old states, bad
 * records are skipped, and a broker restart is survived.
 */
import { Kafka, Producer, logLevel } from 'kafkajs';
import { METRICS } from '../../common/contract';
import { KafkaBroker, kafkaCheck, startKafka } from '../../test-support/kafka';
import { describeWith } from '../../test-support/prerequisites';
import { RunningDashboard } from '../src/dashboard';
import { SseReader, boardEvent, eventually, getJson, runDashboard } from './helpers';

const team = (rnk: number, name: string, score: number) => ({ rnk, team_id: `T-${name}`, team_name: name, total_score: score });

describeWith([kafkaCheck])('dashboard, Kafka variant, real broker', () => {
  let broker: KafkaBroker;
  let producer: Producer;
  let dashboard: RunningDashboard;
  let stream: SseReader;

  const send = (topic: string, messages: { rnk: number; value: unknown }[]) =>
    producer.send({
      topic,
      messages: messages.map((m) => ({ key: JSON.stringify({ rnk: m.rnk }), value: m.value === null ? null : typeof m.value === 'string' ? m.value : JSON.stringify(m.value) })),
    });

  beforeAll(async () => {
    // Generous bounds: the machine running CI may be busy with other builds.
    broker = await startKafka({ startTimeoutMs: 240_000 });
    for (const metric of METRICS) await broker.createTopic(metric.topic, metric.id === 'top_teams' ? 3 : 1, { 'cleanup.policy': 'compact' });
    producer = new Kafka({ clientId: 'dashboard-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    // History before the dashboard starts: an old rank 1, a rank 4 later deleted by a tombstone.
    await send('top-teams', [
      { rnk: 1, value: team(1, 'Old', 1) },
      { rnk: 4, value: team(4, 'Gone', 0) },
    ]);
    await send('top-teams', [
      { rnk: 1, value: team(1, 'Amber-Koala', 30) },
      { rnk: 2, value: team(2, 'Blue-Fox', 20) },
      { rnk: 3, value: team(3, 'Cyan-Owl', 10) },
      { rnk: 4, value: null },
    ]);
    dashboard = await runDashboard(['--source', 'kafka', '--kafka-bootstrap-servers', broker.bootstrapServers, '--hold-back-ms', '3000']);
    stream = await SseReader.open(`${dashboard.url}/api/stream`);
  }, 420_000);

  afterAll(async () => {
    stream?.close();
    await dashboard?.close();
    await producer?.disconnect();
    await broker?.stop();
  }, 90_000);

  const expected = [team(1, 'Amber-Koala', 30), team(2, 'Blue-Fox', 20), team(3, 'Cyan-Owl', 10)];

  it('shows the latest row per rank from the beginning of the topics, tombstones applied', async () => {
    const body = await eventually(async () => {
      const { body } = await getJson(`${dashboard.url}/api/leaderboards`);
      return body.boards.top_teams.rows.length > 0 ? body : undefined;
    }, 120_000, 'top_teams in /api/leaderboards');
    expect(body.boards.top_teams.rows).toEqual(expected);
    expect(body.boards.top_teams.consistent).toBe(true);
    expect(body.loaded).toBe(true);
    expect(body.updatedAt).toEqual(expect.any(String));
    expect(body.source).toMatchObject({ kind: 'kafka', up: true });
  });

  it('never published a replayed older state', () => {
    const published = stream.events.filter(boardEvent('top_teams')).map((e) => (e.data as { rows: unknown[] }).rows);
    const snapshotRows = (stream.events[0].data as { boards: { top_teams: { rows: unknown[] } } }).boards.top_teams.rows;
    for (const rows of [...published, snapshotRows]) expect([[], expected]).toContainEqual(rows);
  });

  it('reports healthy', async () => {
    const { status, body } = await getJson(`${dashboard.url}/healthz`);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('pushes a rank shift once it is complete, never the transient duplicate', async () => {
    const from = stream.events.length;
    const heldBefore = dashboard.store.stats.heldBack;
    // Blue-Fox overtakes Amber-Koala: two upserts, published as two separate sends.
    await send('top-teams', [{ rnk: 1, value: team(1, 'Blue-Fox', 40) }]);
    await new Promise((r) => setTimeout(r, 300));
    await send('top-teams', [{ rnk: 2, value: team(2, 'Amber-Koala', 30) }]);
    const event = await stream.next((e) => boardEvent('top_teams')(e) && (e.data as { rows: { team_name: string }[] }).rows[1]?.team_name === 'Amber-Koala', 20_000, from);
    expect((event.data as { rows: unknown[] }).rows).toEqual([team(1, 'Blue-Fox', 40), team(2, 'Amber-Koala', 30), team(3, 'Cyan-Owl', 10)]);
    for (const e of stream.events.slice(from).filter(boardEvent('top_teams'))) expect((e.data as { consistent: boolean }).consistent).toBe(true);
    expect(dashboard.store.stats.heldBack).toBeGreaterThan(heldBefore);
  });

  it('fills the other boards from their topics', async () => {
    await send('team-mvps', [{ rnk: 1, value: { rnk: 1, user_id: 'USR-1', team_name: '<script>alert(1)</script>', player_total: 3, team_total: 4, contrib_ratio: 0.75 } }]);
    const event = await stream.next(boardEvent('team_mvps'), 20_000);
    expect((event.data as { rows: { team_name: string }[] }).rows[0].team_name).toBe('<script>alert(1)</script>');
  });

  it('skips a bad record, logging it, and applies a tombstone', async () => {
    const from = stream.events.length;
    await send('top-teams', [{ rnk: 3, value: '{not json' }]);
    await eventually(async () => (dashboard.store.stats.badRows > 0 ? true : undefined), 20_000, 'a counted bad row');
    const afterBad = await stream.next((e) => boardEvent('top_teams')(e) && (e.data as { rows: unknown[] }).rows.length === 2, 20_000, from);
    expect((afterBad.data as { consistent: boolean }).consistent).toBe(true);
    await send('top-teams', [{ rnk: 2, value: null }]);
    const afterTombstone = await stream.next((e) => boardEvent('top_teams')(e) && (e.data as { rows: unknown[] }).rows.length === 1, 20_000, from);
    expect((afterTombstone.data as { rows: unknown[] }).rows).toEqual([team(1, 'Blue-Fox', 40)]);
  });

  it('shows the broker going away and recovers by itself when it returns', async () => {
    const from = stream.events.length;
    const restarted = broker.restart();
    const down = await stream.next((e) => e.event === 'status' && (e.data as { up: boolean }).up === false, 60_000, from);
    expect((down.data as { detail: string }).detail).toContain('kafka');
    await restarted;
    await stream.next((e) => e.event === 'status' && (e.data as { up: boolean }).up === true, 90_000, from);
    await producer.disconnect();
    await producer.connect();
    await send('top-teams', [{ rnk: 2, value: team(2, 'Drab-Eel', 5) }]);
    const event = await stream.next((e) => boardEvent('top_teams')(e) && (e.data as { rows: unknown[] }).rows.length === 2, 60_000, from);
    expect((event.data as { rows: unknown[] }).rows).toEqual([team(1, 'Blue-Fox', 40), team(2, 'Drab-Eel', 5)]);
    expect((await getJson(`${dashboard.url}/healthz`)).status).toBe(200);
  }, 240_000);
});
