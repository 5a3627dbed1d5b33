/**
 * Source-vertex metrics of a Flink job, read through the REST API: the status command's consumer lag,
 * the dashboard's skipped-records count and the benchmark's read counter are all sums of a metric of
 * the job's source vertices over their subtasks.
 */

/** GETs a path of Flink's REST API (`/jobs/...`) as JSON; callers bring their own base URL and timeouts. */
export type FlinkRestGet = <T>(path: string) => Promise<T>;

/** The ids of one source vertex's subtask metrics that a caller sums. */
export interface SourceMetrics {
  readonly vertex: string;
  readonly ids: readonly string[];
}

/**
 * The metrics of the job's source vertices whose id `matches`. Empty until the sources' readers have
 * started (Flink registers their metrics then), so callers that cache it must ask again after an
 * empty answer.
 */
export async function findSourceMetrics(get: FlinkRestGet, jobId: string, matches: (metricId: string) => boolean): Promise<SourceMetrics[]> {
  const job = await get<{ vertices: { id: string; name: string }[] }>(`/jobs/${jobId}`);
  const found: SourceMetrics[] = [];
  for (const vertex of job.vertices.filter((v) => v.name.startsWith('Source'))) {
    const ids = (await get<{ id: string }[]>(`/jobs/${jobId}/vertices/${vertex.id}/subtasks/metrics`)).map((m) => m.id).filter(matches);
    if (ids.length > 0) found.push({ vertex: vertex.id, ids });
  }
  return found;
}

/**
 * The job's figure for `metrics`: each source vertex's sum over its subtasks, and the largest of those
 * (every source vertex of a job reads the whole input topic, so adding vertices would count records
 * twice). Undefined when there is nothing to sum.
 */
export async function sumSourceMetrics(get: FlinkRestGet, jobId: string, metrics: readonly SourceMetrics[]): Promise<number | undefined> {
  let largest: number | undefined;
  for (const { vertex, ids } of metrics) {
    const values = await get<{ sum?: number }[]>(`/jobs/${jobId}/vertices/${vertex}/subtasks/metrics?get=${ids.map(encodeURIComponent).join(',')}&agg=sum`);
    const sum = values.reduce((total, v) => total + (v.sum ?? 0), 0);
    largest = Math.max(largest ?? 0, sum);
  }
  return largest;
}

/** Finds and sums in one go, for callers that poll rarely. */
export async function sourceMetricSum(get: FlinkRestGet, jobId: string, matches: (metricId: string) => boolean): Promise<number | undefined> {
  return sumSourceMetrics(get, jobId, await findSourceMetrics(get, jobId, matches));
}
