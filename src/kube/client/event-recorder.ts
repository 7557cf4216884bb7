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

/** How long a repeated event is folded into the first one (client-go's correlator keeps 10 minutes). */
const AGGREGATE_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;

/**
 * client-go's event recorder, small: writes core/v1 Events about an object; the same
 * (object, type, reason, message) again within ten minutes bumps `count` and `lastTimestamp` on
 * the first event instead of making a new one, as `kubectl describe` shows ("x3 over 2m").
 * Failures are swallowed: events are best effort, as upstream.
 */
export class EventRecorder {
  private readonly recent = new Map<string, { name: string; namespace: string; count: number; first: number }>();

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
    const key = `${about.metadata.uid ?? ""}\u0000${type}\u0000${reason}\u0000${message}`;
    const seen = this.recent.get(key);
    const ref = { version: "v1", plural: "events", namespace };
    if (seen && now.getTime() - seen.first < AGGREGATE_MS) {
      seen.count++;
      try {
        await this.client.patch({ ...ref, name: seen.name }, { count: seen.count, lastTimestamp: kubeTime(now) });
        return;
      } catch {
        this.recent.delete(key);
      }
    }
    const name = `${about.metadata.name ?? "unknown"}.${(now.getTime() * 1_000_000 + Math.floor(Math.random() * 1_000_000)).toString(16)}`;
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
      firstTimestamp: kubeTime(now),
      lastTimestamp: kubeTime(now),
      count: 1,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? "",
    });
    if (this.recent.size >= MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value as string);
    this.recent.set(key, { name, namespace, count: 1, first: now.getTime() });
  }
}
