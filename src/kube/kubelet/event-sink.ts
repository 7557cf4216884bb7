import type { StoredObject } from "../api/types.js";
import type { EventRecorder } from "../client/event-recorder.js";

interface Pending {
  recorder: EventRecorder;
  about: StoredObject;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/**
 * The kubelets' events, written in the background a few at a time, as the kubelet's event
 * broadcaster does (its writes are rate-limited by eventRecordQPS/eventBurst): pod status writes,
 * which clients wait on, are not queued behind them. Like the broadcaster's bounded channel, a
 * backlog beyond `maxPending` drops the oldest events.
 */
export class EventSink {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private closed = false;
  /** Events dropped because the backlog was full. */
  dropped = 0;

  constructor(
    private readonly maxInFlight = 4,
    private readonly maxPending = 20_000,
  ) {}

  record(recorder: EventRecorder, about: StoredObject, type: "Normal" | "Warning", reason: string, message: string): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxPending) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push({ recorder, about, type, reason, message });
    this.pump();
  }

  /** Resolves once every queued event has been written (tests). */
  async drained(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const next = this.queue.shift() as Pending;
      this.inFlight++;
      void next.recorder.event(next.about, next.type, next.reason, next.message).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}
