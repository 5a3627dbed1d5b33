/** What the server needs from a leaderboard source, whichever sink variant it reads. */

export type SourceKind = 'jdbc' | 'kafka';

export interface SourceStatus {
  kind: SourceKind;
  /** The component the source depends on that is down ('postgresql', 'kafka', or the Avro boards' 'schema-registry'), else its main one. */
  component: 'postgresql' | 'kafka' | 'schema-registry';
  /** Where it connects (host:port, or the registry's URL), never credentials. */
  target: string;
  up: boolean;
  /** Why it is down, when it is. */
  detail?: string;
  since: string;
}

export interface LeaderboardSource {
  status(): SourceStatus;
  start(): void;
  stop(): Promise<void>;
}

/** Retry delays for a source that lost its server: fast at first, then capped. */
export function backoffMs(attempt: number): number {
  return Math.min(250 * 2 ** Math.min(attempt, 5), 5_000);
}
