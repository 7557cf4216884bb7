import type { Clock } from "../../shared/clock.js";
import type { StoredObject } from "../api/types.js";
import { kubeTime } from "../apiserver/registry/resource-store.js";
import type { InProcessClient } from "./in-process-client.js";

export interface EventSource {
  /** e.g. "default-scheduler", "kubelet", "deployment-controller". */
  component: string;
  /** The node, for kubelets. */
  host?: string;
}

// client-go's EventCorrelator defaults (tools/record/events_cache.go).
const MAX_REMEMBERED = 4096;
/** The 10th distinct message of a similar event (same object, type, reason) within 10 minutes starts an aggregate. */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 10 * 60 * 1000;
/** A source may write 25 events about one object, then one more every 5 minutes. */
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300 * 1000;

/** A Map that forgets its least recently used entry past `max` (groupcache's lru.Cache). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/**
 * client-go's event recorder: writes core/v1 Events about an object through the EventCorrelator's
 * three steps.
 * - Aggregation: from the 10th distinct message of a similar event (same object, type and reason)
 *   within 10 minutes, one event "(combined from similar events): <message>" stands for them all.
 * - Counting: the same event again bumps `count` and `lastTimestamp` on the first one, as
 *   `kubectl describe` shows ("x3 over 2m").
 * - Spam filter: 25 events per source and object, then one every 5 minutes; the rest are dropped.
 * So a ReplicaSet creating 1,000 pods writes about 25 events, not 1,000. Failures are swallowed:
 * events are best effort, as upstream.
 */
export class EventRecorder {
  private readonly observed = new Lru<{ name: string; namespace: string; count: number; first: Date }>(MAX_REMEMBERED);
  private readonly similar = new Lru<{ messages: Set<string>; last: number }>(MAX_REMEMBERED);
  private readonly spam = new Lru<{ tokens: number; at: number }>(MAX_REMEMBERED);

  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
    private readonly source: EventSource,
  ) {}

  event(about: StoredObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    return this.record(about, type, reason, message).catch(() => undefined);
  }

  private async record(about: StoredObject, type: string, reason: string, message: string): Promise<void> {
    const namespace = about.metadata.namespace ?? "default";
    const now = this.clock.now();
    const object = [this.source.component, this.source.host ?? "", about.kind, about.metadata.namespace, about.metadata.name, about.metadata.uid, about.apiVersion].join("\u0000");
    let key = `${object}\u0000${type}\u0000${reason}\u0000${message}`;
    const aggregateKey = `${object}\u0000${type}\u0000${reason}`;
    let aggregate = this.similar.get(aggregateKey);
    if (!aggregate || now.getTime() - aggregate.last > AGGREGATE_INTERVAL_MS) aggregate = { messages: new Set(), last: 0 };
    aggregate.messages.add(message);
    aggregate.last = now.getTime();
    this.similar.set(aggregateKey, aggregate);
    if (aggregate.messages.size >= AGGREGATE_MAX_EVENTS) {
      // Keep the set at its limit, as upstream's PopAny.
      aggregate.messages.delete(aggregate.messages.values().next().value as string);
      message = `(combined from similar events): ${message}`;
      key = aggregateKey;
    }
    const seen = this.observed.get(key);
    const count = (seen?.count ?? 0) + 1;
    const first = seen?.first ?? now;
    const name = seen?.name ?? `${about.metadata.name ?? "unknown"}.${(now.getTime() * 1_000_000 + Math.floor(Math.random() * 1_000_000)).toString(16)}`;
    this.observed.set(key, { name, namespace, count, first });
    if (!this.allow(object, now.getTime())) return;
    if (seen) {
      try {
        await this.client.patch({ version: "v1", plural: "events", namespace, name }, { count, message, lastTimestamp: kubeTime(now) });
        return;
      } catch {
        // Gone (events live an hour): write it anew.
      }
    }
    await this.create(about, { namespace, name, type, reason, message, count, first, now });
  }

  /** The spam filter's token bucket for one source and object. */
  private allow(object: string, now: number): boolean {
    const bucket = this.spam.get(object) ?? { tokens: SPAM_BURST, at: now };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (now - bucket.at) / SPAM_REFILL_MS);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.spam.set(object, bucket);
    return allowed;
  }

  private async create(about: StoredObject, e: { namespace: string; name: string; type: string; reason: string; message: string; count: number; first: Date; now: Date }): Promise<void> {
    const { namespace, name, type, reason, message, count, first, now } = e;
    const ref = { version: "v1", plural: "events", namespace };
    await this.client.create(ref, {
      metadata: { name, namespace },
      involvedObject: {
        kind: about.kind,
        namespace: about.metadata.namespace,
        name: about.metadata.name,
        uid: about.metadata.uid,
        apiVersion: about.apiVersion,
        resourceVersion: about.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
      firstTimestamp: kubeTime(first),
      lastTimestamp: kubeTime(now),
      count,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? "",
    });
  }
}
