/**
 * The state of the Flink jobs that fill the boards, from the session's REST API, so the page can say
 * that its boards are frozen because a job is restarting or gone rather than look live.
 */
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
}

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
  private current: PipelineStatus = { state: 'unreachable', detail: 'not asked yet', since: new Date().toISOString() };
  private timer: NodeJS.Timeout | undefined;

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

  private async poll(): Promise<void> {
    let next: { state: PipelineState; detail: string };
    try {
      const response = await fetch(`${this.options.restUrl.replace(/\/+$/, '')}/jobs/overview`, { signal: AbortSignal.timeout(Math.max(1000, this.options.intervalMs)) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { jobs?: { name: string; state: string }[] };
      next = pipelineStateOf(body.jobs ?? []);
    } catch (err) {
      next = { state: 'unreachable', detail: `Flink REST API: ${(err as Error).message}` };
    }
    if (next.state === this.current.state && next.detail === this.current.detail) return;
    if (next.state !== this.current.state) this.options.logger.info('pipeline state', { state: next.state, detail: next.detail });
    this.current = { ...next, since: new Date().toISOString() };
    this.options.onChange(this.current);
  }
}
