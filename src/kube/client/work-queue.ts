import type { Clock } from "../../shared/clock.js";

/**
 * client-go's work queue, small: a key is queued at most once, never processed by two workers
 * at a time (a key added while it is processed runs again afterwards, on the next event-loop turn), and a failed key is
 * retried with exponential backoff on the injected clock (5 ms doubling to 1000 s, as upstream).
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, () => void>();
  private active = 0;
  private stopped = false;
  private pumpScheduled = false;

  constructor(
    private readonly clock: Clock,
    private readonly worker: (key: string) => Promise<void>,
    private readonly options: { concurrency?: number; onError?: (key: string, error: unknown) => void } = {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    // Deferred, so that a burst of events in one tick becomes one run per key.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Adds the key after `delayMs` on the clock (a later call with a shorter delay wins). */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) return this.add(key);
    this.timers.get(key)?.();
    this.timers.set(
      key,
      this.clock.setTimer(delayMs, () => {
        this.timers.delete(key);
        this.add(key);
      }),
    );
  }

  get length(): number {
    return this.queue.length + this.processing.size;
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((cancel) => cancel());
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 1;
    while (!this.stopped && this.active < concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.processing.add(key);
      this.active++;
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.worker(key);
      this.failures.delete(key);
    } catch (error) {
      const count = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, count);
      this.options.onError?.(key, error);
      this.addAfter(key, Math.min(5 * 2 ** (count - 1), 1_000_000));
    } finally {
      this.processing.delete(key);
      this.active--;
      // A key that changed while it was processed runs again on the next turn of the event loop,
      // not at once: the changes of that turn (say, many pods of one ReplicaSet turning Ready)
      // then cost one more run, not one each.
      if (this.dirty.delete(key)) setImmediate(() => this.add(key));
      this.pump();
    }
  }
}
