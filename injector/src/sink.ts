/** Where serialized events go. Both sinks buffer a bounded number of events (back-pressure). */
export interface SinkStats {
  /** Events handed to the sink. */
  readonly accepted: number;
  /** Events the destination has confirmed (Kafka: acks=all; stdout: written). */
  readonly delivered: number;
  /** Failed delivery attempts (each retried). */
  readonly errors: number;
  /** Accepted but not yet delivered. */
  readonly pending: number;
  /** Age of the oldest delivery attempt still waiting, in ms; 0 when none waits. */
  readonly oldestAttemptMillis: number;
}

export interface Sink {
  /** Connects and prepares the destination (creates the topic). */
  start(): Promise<void>;
  /** Takes one event; returns false when the buffer is full and the caller must await `ready()`. */
  write(key: string, value: string | Buffer): boolean;
  /** Resolves when there is room again, or the sink has failed. */
  ready(): Promise<void>;
  /** Resolves with a fatal error when delivery cannot succeed by retrying; never for transient faults. */
  readonly failed: Promise<Error>;
  /** Delivers what is buffered (waiting at most `timeoutMillis`), then disconnects. */
  close(timeoutMillis: number): Promise<SinkStats>;
  stats(): SinkStats;
}
