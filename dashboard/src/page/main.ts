/**
 * The dashboard page: builds one panel per leaderboard, takes the snapshot and the pushed changes from
 * the server's event stream, and shows the connection state and the time of the last change.
 */
import { METRICS, MetricId } from '../../../common/contract/metrics';
import type { PublishedBoard } from '../board-state';
import type { PipelineStatus } from '../pipeline-watch';
import type { SourceStatus } from '../sources/source';
import { Panel } from './panel';

interface Snapshot {
  loaded: boolean;
  updatedAt: string | null;
  source: SourceStatus;
  pipeline: PipelineStatus | null;
  boards: Record<MetricId, PublishedBoard>;
}

const connection = document.getElementById('connection') as HTMLElement;
const pipelineBadge = document.getElementById('pipeline') as HTMLElement;
const skipped = document.getElementById('skipped') as HTMLElement;
const updated = document.getElementById('updated') as HTMLElement;
const container = document.getElementById('boards') as HTMLElement;

const panels = new Map<MetricId, Panel>();
for (const metric of METRICS) {
  const panel = new Panel(metric);
  panels.set(metric.id, panel);
  container.append(panel.root);
}

let streamOpen = false;
let source: SourceStatus | undefined;
let lastChange: Date | undefined;
let loaded = false;

function showConnection(): void {
  const live = streamOpen && source?.up === true;
  const state = live ? 'live' : source === undefined && !streamOpen ? 'connecting' : 'reconnecting';
  connection.textContent = state;
  connection.className = `badge ${state}`;
  connection.title = !streamOpen ? 'connection to the dashboard lost; retrying' : live ? '' : source?.detail ?? '';
  document.body.dataset.connection = state;
}

const PIPELINE_LABEL = { restarting: 'job restarting', stopped: 'jobs stopped', unreachable: 'Flink unreachable' } as const;

/** Shown only while the boards cannot change because the jobs that fill them do not run. */
function showPipeline(status: PipelineStatus | null): void {
  showSkipped(status?.skippedRecords ?? null);
  document.body.dataset.pipeline = status?.state ?? 'unknown';
  pipelineBadge.hidden = status === null || status.state === 'running';
  if (status === null || status.state === 'running') return;
  pipelineBadge.textContent = PIPELINE_LABEL[status.state];
  pipelineBadge.className = `badge ${status.state}`;
  pipelineBadge.title = `${status.detail} (since ${new Date(status.since).toLocaleTimeString()})`;
}

/** Bad input does not stop the boards; it is counted, and the count shown once there is any. */
function showSkipped(count: number | null): void {
  skipped.hidden = count === null || count === 0;
  if (count === null) return;
  skipped.dataset.count = String(count);
  skipped.textContent = `${count.toLocaleString('en-US')} invalid ${count === 1 ? 'record' : 'records'} skipped`;
  skipped.title = 'input records that are not valid game events, skipped by the Flink jobs since they last started';
}

function showUpdated(): void {
  if (lastChange === undefined) {
    updated.textContent = 'No update yet';
    return;
  }
  const seconds = Math.max(0, Math.round((Date.now() - lastChange.getTime()) / 1000));
  const ago = seconds < 60 ? `${seconds} s ago` : `${Math.floor(seconds / 60)} min ago`;
  updated.textContent = `Last update ${lastChange.toLocaleTimeString()} (${ago})`;
}

function noteChange(at: string | null): void {
  if (at === null) return;
  const when = new Date(at);
  if (lastChange === undefined || when > lastChange) lastChange = when;
  showUpdated();
}

function renderBoard(board: PublishedBoard): void {
  panels.get(board.id)?.render(board, loaded);
  noteChange(board.updatedAt);
}

const stream = new EventSource('/api/stream');
stream.addEventListener('open', () => {
  streamOpen = true;
  showConnection();
});
stream.addEventListener('error', () => {
  streamOpen = false;
  showConnection();
});
stream.addEventListener('snapshot', (event) => {
  const snapshot = JSON.parse((event as MessageEvent<string>).data) as Snapshot;
  streamOpen = true;
  source = snapshot.source;
  showPipeline(snapshot.pipeline);
  loaded = snapshot.loaded;
  for (const board of Object.values(snapshot.boards)) renderBoard(board);
  noteChange(snapshot.updatedAt);
  container.setAttribute('aria-busy', 'false');
  showConnection();
});
stream.addEventListener('board', (event) => renderBoard(JSON.parse((event as MessageEvent<string>).data) as PublishedBoard));
stream.addEventListener('status', (event) => {
  source = JSON.parse((event as MessageEvent<string>).data) as SourceStatus;
  showConnection();
});

stream.addEventListener('pipeline', (event) => showPipeline(JSON.parse((event as MessageEvent<string>).data) as PipelineStatus));

showConnection();
setInterval(showUpdated, 1000);
