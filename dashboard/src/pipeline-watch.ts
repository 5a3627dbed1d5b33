/**
 * The state of the Flink jobs that fill the boards, from the session's REST API, so the page can say
 * that its boards are frozen because a job is restarting or gone rather than look live, and how many
 * invalid input records the jobs skipped.
 */
import { isPipelineJob } from '../../common/contract';
import { FlinkRestGet, SourceMetrics, findSourceMetrics, sumSourceMetrics } from '../../common/flink-metrics';
import { Logger } from './log';

/**
 * running: every job RUNNING; restarting: a job exists but is not running yet (restoring, restarting);
 * stopped: no job alive (e.g. a restarted JobManager before its jobs are resubmitted); unreachable: no answer.
 */
export type PipelineState = 'running' | 'restarting' | 'stopped' | 'unreachable';

export interface PipelineStatus {
  state: PipelineState;
  /** The alive jobs and their Flink states, or why the API did not answer. */
  detail: string;
  since: string;
  /**
   * Invalid input records skipped since the running jobs last started (the `invalidRecords` metric of
   * their sources; every job reads the whole topic, so the largest count); null when unknown.
   */
  skippedRecords: number | null;
}

/** The counter the input format keeps (flink-sql's leaderboard-user-score format). */
export const SKIPPED_METRIC = 'invalidRecords';

const ALIVE = new Set(['INITIALIZING', 'CREATED', 'RUNNING', 'RESTARTING', 'RECONCILING']);

export function pipelineStateOf(jobs: readonly { name: string; state: string }[]): { state: PipelineState; detail: string } {
  const alive = jobs.filter((j) => ALIVE.has(j.state));
  if (alive.length === 0) return { state: 'stopped', detail: 'no Flink job is running' };
  const detail = alive.map((j) => `${j.name}: ${j.state}`).join(', ');
  return { state: alive.every((j) => j.state === 'RUNNING') ? 'running' : 'restarting', detail };
}

export interface PipelineWatchOptions {
  /** The Flink REST API, e.g. http://jobmanager:8081. */
  readonly restUrl: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly onChange: (status: PipelineStatus) => void;
}

export class PipelineWatch {
  private current: PipelineStatus = { state: 'unreachable', detail: 'not asked yet', since: new Date().toISOString(), skippedRecords: null };
  private timer: NodeJS.Timeout | undefined;
  /** Per job, its source vertices' skipped-records metric ids, found once. */
  private readonly skipMetrics = new Map<string, SourceMetrics[]>();

  constructor(private readonly options: PipelineWatchOptions) {}

  status(): PipelineStatus {
    return this.current;
  }

  start(): void {
    const tick = (): void => {
      void this.poll().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.options.restUrl.replace(/\/+$/, '')}${path}`, { signal: AbortSignal.timeout(Math.max(1000, this.options.intervalMs)) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  private async poll(): Promise<void> {
    let next: { state: PipelineState; detail: string };
    let skippedRecords: number | null = null;
    try {
      const body = await this.get<{ jobs?: { jid: string; name: string; state: string }[] }>('/jobs/overview');
      // A SQL client's query reads the input too: its state and its skipped records are not the pipeline's.
      const jobs = (body.jobs ?? []).filter((j) => isPipelineJob(j.name));
      next = pipelineStateOf(jobs);
      const running = jobs.filter((j) => j.state === 'RUNNING').map((j) => j.jid);
      skippedRecords = await this.skipped(running).catch(() => null);
    } catch (err) {
      next = { state: 'unreachable', detail: `Flink REST API: ${(err as Error).message}` };
    }
    const changed = next.state !== this.current.state || next.detail !== this.current.detail;
    if (!changed && skippedRecords === this.current.skippedRecords) return;
    if (next.state !== this.current.state) this.options.logger.info('pipeline state', { state: next.state, detail: next.detail });
    this.current = { ...next, since: changed ? new Date().toISOString() : this.current.since, skippedRecords };
    this.options.onChange(this.current);
  }

  /** The largest skipped-records count over the running jobs' sources; null when none reports one. */
  private async skipped(jobIds: string[]): Promise<number | null> {
    for (const jid of this.skipMetrics.keys()) if (!jobIds.includes(jid)) this.skipMetrics.delete(jid);
    let largest: number | null = null;
    const get: FlinkRestGet = (path) => this.get(path);
    for (const jid of jobIds) {
      let metrics = this.skipMetrics.get(jid);
      // An empty answer (readers not started yet) is asked again at the next poll.
      if (metrics === undefined || metrics.length === 0) {
        metrics = await findSourceMetrics(get, jid, (id) => id === SKIPPED_METRIC || id.endsWith(`.${SKIPPED_METRIC}`));
        this.skipMetrics.set(jid, metrics);
      }
      const sum = await sumSourceMetrics(get, jid, metrics);
      if (sum !== undefined) largest = Math.max(largest ?? 0, sum);
    }
    return largest;
  }
}
