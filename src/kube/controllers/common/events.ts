import type { Clock } from "../../../shared/clock.js";
import type { StoredObject } from "../../api/types.js";
import { EventRecorder } from "../../client/event-recorder.js";
import type { InProcessClient } from "../../client/in-process-client.js";

/** client-go's EventSourceObjectSpamFilter: a burst of 25 events per object and reason, then one every 5 minutes. */
const BURST = 25;
const REFILL_MS = 5 * 60 * 1000;
const MAX_BUCKETS = 8192;

/**
 * The event recorder of one controller, with upstream's spam filter in front: a ReplicaSet that
 * creates 1,000 pods records 25 SuccessfulCreate events, as kube-controller-manager does, not 1,000.
 */
export class ControllerEvents {
  private readonly recorder: EventRecorder;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    client: InProcessClient,
    private readonly clock: Clock,
    component: string,
  ) {
    this.recorder = new EventRecorder(client, clock, { component });
  }

  normal(about: StoredObject, reason: string, message: string): void {
    this.emit(about, "Normal", reason, message);
  }

  warning(about: StoredObject, reason: string, message: string): void {
    this.emit(about, "Warning", reason, message);
  }

  private emit(about: StoredObject, type: "Normal" | "Warning", reason: string, message: string): void {
    const key = `${about.metadata.uid ?? ""}\u0000${type}\u0000${reason}`;
    const now = this.clock.now().getTime();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: BURST, at: now };
      this.buckets.set(key, bucket);
    }
    const refill = Math.floor((now - bucket.at) / REFILL_MS);
    if (refill > 0) {
      bucket.tokens = Math.min(BURST, bucket.tokens + refill);
      bucket.at += refill * REFILL_MS;
    }
    if (bucket.tokens <= 0) return;
    bucket.tokens--;
    void this.recorder.event(about, type, reason, message);
  }
}
