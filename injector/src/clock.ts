/**
 * When events happen. Arrivals form a Poisson process (exponential gaps with mean 1/avg-qps).
 * The real clock places them on the wall clock and makes the caller wait for each; the synthetic
 * clock only advances simulated time, so a backfill or a benchmark runs at full speed and a seeded
 * run is reproducible.
 */
import { Prng } from './prng';

export interface Clock {
  readonly startMillis: number;
  /** Time (ms since epoch, fractional) of the next arrival. */
  advance(): number;
  /** Milliseconds until `atMillis` is due; 0 when it is due now (always 0 for the synthetic clock). */
  delayUntil(atMillis: number): number;
  /** Arrivals that the real clock dropped because the injector fell behind by more than a second. */
  readonly skipped: number;
}

export class SyntheticClock implements Clock {
  private now: number;
  readonly skipped = 0;

  constructor(
    readonly startMillis: number,
    private readonly eventsPerSecond: number,
    private readonly prng: Prng,
  ) {
    this.now = startMillis;
  }

  advance(): number {
    this.now += this.prng.exponential(this.eventsPerSecond) * 1000;
    return this.now;
  }

  delayUntil(): number {
    return 0;
  }
}

/** How far the real clock may fall behind before it stops catching up (and counts skipped arrivals). */
export const MAX_LAG_MILLIS = 1000;

export class RealClock implements Clock {
  private next: number;
  private skippedArrivals = 0;

  constructor(
    private readonly eventsPerSecond: number,
    private readonly prng: Prng,
    private readonly wallClock: () => number = Date.now,
    readonly startMillis: number = wallClock(),
  ) {
    this.next = startMillis;
  }

  get skipped(): number {
    return this.skippedArrivals;
  }

  advance(): number {
    this.next += this.prng.exponential(this.eventsPerSecond) * 1000;
    const now = this.wallClock();
    // After a stall (back-pressure, a paused process) the events are not replayed in a burst with
    // stale times: the schedule restarts from now.
    if (now - this.next > MAX_LAG_MILLIS) {
      this.skippedArrivals += Math.round(((now - this.next) / 1000) * this.eventsPerSecond);
      this.next = now;
    }
    return this.next;
  }

  delayUntil(atMillis: number): number {
    return Math.max(0, atMillis - this.wallClock());
  }
}
