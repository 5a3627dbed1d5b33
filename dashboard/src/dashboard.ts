/** Wires a source, the board state, the push hub and the HTTP server into one running dashboard. */
import { AddressInfo } from 'node:net';
import { LeaderboardStore } from './board-state';
import { PageAssets } from './bundle';
import { DashboardConfig } from './config';
import { createHttpServer, snapshotBody } from './http-server';
import { Logger } from './log';
import { PipelineWatch } from './pipeline-watch';
import { PushHub } from './push-hub';
import { KafkaSource } from './sources/kafka';
import { PostgresSource } from './sources/postgres';
import { LeaderboardSource, SourceStatus } from './sources/source';

export interface RunningDashboard {
  url: string;
  store: LeaderboardStore;
  hub: PushHub;
  source: LeaderboardSource;
  pipeline: PipelineWatch | undefined;
  close(): Promise<void>;
}

/** How soon the page learns that a job stopped or came back. */
const PIPELINE_POLL_MS = 3000;

export async function startDashboard(config: DashboardConfig, assets: PageAssets, logger: Logger): Promise<RunningDashboard> {
  const hub = new PushHub(logger, config.maxClients, config.maxClientsPerAddress);
  const store: LeaderboardStore = new LeaderboardStore({
    holdBackMs: config.holdBackMs,
    logger,
    onPublish: (board) => hub.broadcast('board', board),
    onLoaded: () => hub.broadcast('snapshot', snapshotBody({ store, source, pipeline })),
  });
  const pipeline = config.flinkUrl === undefined
    ? undefined
    : new PipelineWatch({ restUrl: config.flinkUrl, intervalMs: PIPELINE_POLL_MS, logger, onChange: (status) => hub.broadcast('pipeline', status) });
  const onStatus = (status: SourceStatus): void => hub.broadcast('status', status);
  const source: LeaderboardSource =
    config.source === 'jdbc'
      ? new PostgresSource({ connection: config.postgres.connection, target: config.postgres.target, pollIntervalMs: config.postgres.pollIntervalMs, store, logger, onStatus })
      : new KafkaSource({ ...config.kafka, clientId: 'leaderboard-dashboard', store, logger, onStatus });
  const server = createHttpServer({ store, hub, source, pipeline, assets, logger });
  // Push streams stay open for good; only the time to receive a request is bounded.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  source.start();
  pipeline?.start();
  logger.info('listening', { url, source: config.source });
  return {
    url,
    store,
    hub,
    source,
    pipeline,
    async close() {
      pipeline?.stop();
      hub.close();
      store.close();
      await source.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
