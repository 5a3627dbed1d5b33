/**
 * The page says when the jobs filling the boards do not run: the dashboard polls a stand-in of Flink's
 * REST API, pushes each change to the page and reports it on /healthz (degraded, not down: the page
 * must stay up to say so).
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { LeaderboardStore } from '../src/board-state';
import { RunningDashboard } from '../src/dashboard';
import { createHttpServer } from '../src/http-server';
import { createLogger } from '../src/log';
import { PipelineStatus, PipelineWatch, pipelineStateOf } from '../src/pipeline-watch';
import { PushHub } from '../src/push-hub';
import { LeaderboardSource } from '../src/sources/source';
import { SseReader, eventually, getJson, runDashboard } from './helpers';

describe('pipeline state of the Flink jobs', () => {
  it.each([
    [[], 'stopped'],
    [[{ name: 'old', state: 'FAILED' }], 'stopped'],
    [[{ name: 'a', state: 'RUNNING' }, { name: 'old', state: 'CANCELED' }], 'running'],
    [[{ name: 'a', state: 'RUNNING' }, { name: 'b', state: 'RESTARTING' }], 'restarting'],
    [[{ name: 'a', state: 'INITIALIZING' }], 'restarting'],
  ])('%j is %s', (jobs, state) => {
    expect(pipelineStateOf(jobs).state).toBe(state);
  });
});

describe('dashboard with Flink job states', () => {
  let jobs: { jid: string; name: string; state: string }[] = [{ jid: '1', name: 'leaderboard-all-metrics', state: 'RUNNING' }];
  let flink: Server;
  let dashboard: RunningDashboard;

  beforeAll(async () => {
    flink = createServer((req, res) => {
      res.writeHead(req.url === '/jobs/overview' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ jobs }));
    });
    await new Promise<void>((r) => flink.listen(0, '127.0.0.1', r));
    const flinkUrl = `http://127.0.0.1:${(flink.address() as AddressInfo).port}`;
    dashboard = await runDashboard(['--source', 'kafka', '--kafka-bootstrap-servers', '127.0.0.1:1', '--flink-url', flinkUrl]);
  }, 60_000);

  afterAll(async () => {
    await dashboard?.close();
    await new Promise((r) => flink?.close(r));
  });

  it('serves the jobs state in the snapshot and pushes each change', async () => {
    await eventually(async () => ((await getJson(`${dashboard.url}/api/leaderboards`)).body.pipeline?.state === 'running' ? true : undefined), 10_000, 'running');
    const stream = await SseReader.open(`${dashboard.url}/api/stream`);
    try {
      jobs = [];
      const stopped = await stream.next((e) => e.event === 'pipeline', 10_000);
      expect(stopped.data).toMatchObject({ state: 'stopped', detail: 'no Flink job is running' });
      jobs = [{ jid: '2', name: 'leaderboard-all-metrics', state: 'RESTARTING' }];
      const restarting = await stream.next((e) => e.event === 'pipeline' && (e.data as PipelineStatus).state === 'restarting', 10_000);
      expect(restarting.data).toMatchObject({ detail: 'leaderboard-all-metrics: RESTARTING' });
      // A SQL client's query waiting for a slot beside the running pipeline says nothing about the boards.
      jobs = [{ jid: '2', name: 'leaderboard-all-metrics', state: 'RUNNING' }, { jid: '3', name: 'SELECT `user_score`.`user_id` FROM `user_score`', state: 'CREATED' }];
      const running = await stream.next((e) => e.event === 'pipeline' && (e.data as PipelineStatus).state === 'running', 10_000);
      expect(running.data).toMatchObject({ detail: 'leaderboard-all-metrics: RUNNING' });
    } finally {
      stream.close();
    }
  });

  it('names Flink on /healthz while its API does not answer', async () => {
    await new Promise((r) => flink.close(r));
    flink.closeAllConnections();
    const health = await eventually(async () => {
      const { body } = await getJson(`${dashboard.url}/healthz`);
      return body.pipeline?.state === 'unreachable' ? body : undefined;
    }, 10_000, 'unreachable');
    expect(health.pipeline.detail).toMatch(/^Flink REST API: /);
  });
});

describe('/healthz with the source up', () => {
  it('is degraded, still 200, while a job restarts, and ok once it runs', async () => {
    const logger = createLogger('error');
    const up = { kind: 'jdbc', component: 'postgresql', target: 'db:5432/leaderboard', up: true, since: new Date().toISOString() } as const;
    const source = { status: () => up, start: () => undefined, stop: async () => undefined } as unknown as LeaderboardSource;
    let status: PipelineStatus = { state: 'restarting', detail: 'job: RESTARTING', since: new Date().toISOString(), skippedRecords: null };
    const pipeline = { status: () => status } as unknown as PipelineWatch;
    const store = new LeaderboardStore({ holdBackMs: 0, logger, onPublish: () => undefined, onLoaded: () => undefined });
    const server = createHttpServer({ store, hub: new PushHub(logger, 1), source, pipeline, assets: {} as never, logger });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    try {
      const degraded = await getJson(url);
      expect(degraded).toMatchObject({ status: 200, body: { status: 'degraded', down: 'flink', pipeline: { state: 'restarting' } } });
      status = { ...status, state: 'running' };
      expect((await getJson(url)).body).toMatchObject({ status: 'ok', pipeline: { state: 'running' } });
    } finally {
      store.close();
      await new Promise((r) => server.close(r));
    }
  });
});
