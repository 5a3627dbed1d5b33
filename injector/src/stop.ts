/** A stop request (signal, failure) that long waits can race against. */
export class StopSignal {
  private reasonText: string | undefined;
  private resolveStopped: () => void = () => {};
  readonly stopped: Promise<void>;

  constructor() {
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
  }

  get requested(): boolean {
    return this.reasonText !== undefined;
  }

  get reason(): string | undefined {
    return this.reasonText;
  }

  request(reason: string): void {
    if (this.reasonText !== undefined) return;
    this.reasonText = reason;
    this.resolveStopped();
  }

  /** Sleeps, returning early when a stop is requested. */
  async sleep(millis: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, millis)))]);
    clearTimeout(timer);
  }
}
