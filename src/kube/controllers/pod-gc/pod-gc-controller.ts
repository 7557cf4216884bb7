import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { rec, str } from "../common/controller-ref.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";

/** kube-controller-manager's pod GC: a pass every 20 s; a node must be gone 40 s before its pods are. */
export const GC_CHECK_PERIOD_MS = 20_000;
export const QUARANTINE_MS = 40_000;

const isTerminal = (pod: StoredObject): boolean => ["Succeeded", "Failed"].includes(str(rec(pod.status).phase));

/**
 * kube-controller-manager's pod-garbage-collector: pods bound to a node that no longer exists
 * (its instance was terminated and the cloud controller deleted the Node) are marked Failed with
 * a DisruptionTarget condition and force-deleted, so their controllers replace them; pods being
 * deleted that never reached a node are removed at once.
 */
export class PodGarbageCollector {
  private readonly pods: SharedInformer;
  private readonly nodes: SharedInformer;
  /** Node names seen missing, and since when. */
  private readonly missingSince = new Map<string, number>();
  private readonly unsubscribe: (() => void)[] = [];
  private cancelTimer?: () => void;
  private stopped = false;

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.pods = informers.informer({ version: "v1", plural: "pods" });
    this.nodes = informers.informer({ version: "v1", plural: "nodes" });
  }

  start(): this {
    this.unsubscribe.push(this.pods.subscribe({}), this.nodes.subscribe({}));
    this.schedule();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.unsubscribe.splice(0).forEach((u) => u());
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancelTimer = this.clock.setTimer(GC_CHECK_PERIOD_MS, () => void this.gc().finally(() => this.schedule()));
  }

  async gc(): Promise<void> {
    await Promise.all([this.pods.synced(), this.nodes.synced()]);
    const now = this.clock.now().getTime();
    const missing = new Set<string>();
    for (const pod of this.pods.list()) {
      const nodeName = str(rec(pod.spec).nodeName);
      if (!nodeName) {
        if (pod.metadata.deletionTimestamp) await this.forceDelete(pod);
        continue;
      }
      if (!this.nodes.get(nodeName)) missing.add(nodeName);
    }
    for (const name of [...this.missingSince.keys()]) if (!missing.has(name)) this.missingSince.delete(name);
    const gone = new Set<string>();
    for (const name of missing) {
      const since = this.missingSince.get(name) ?? now;
      this.missingSince.set(name, since);
      if (now - since >= QUARANTINE_MS && (await this.confirmedGone(name))) gone.add(name);
    }
    if (gone.size === 0) return;
    for (const pod of this.pods.list()) {
      if (!gone.has(str(rec(pod.spec).nodeName))) continue;
      await this.markFailedAndDelete(pod);
    }
  }

  /** The informer may lag: the API has the last word. */
  private async confirmedGone(name: string): Promise<boolean> {
    try {
      await this.client.get({ version: "v1", plural: "nodes", name });
      return false;
    } catch (error) {
      return error instanceof StatusError && error.code === 404;
    }
  }

  private async markFailedAndDelete(pod: StoredObject): Promise<void> {
    const ref = { version: "v1", plural: "pods", namespace: pod.metadata.namespace, name: pod.metadata.name };
    try {
      if (!isTerminal(pod)) {
        const condition = { type: "DisruptionTarget", status: "True", reason: "DeletionByPodGC", message: "PodGC: node no longer exists", lastTransitionTime: kubeTime(this.clock.now()) };
        await this.client.patch({ ...ref, subresource: "status" }, { status: { phase: "Failed", conditions: [condition] } }, "strategic");
      }
      await this.forceDelete(pod);
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) this.logger.warn("pod GC failed", { pod: objectKey(pod), error: String(error) });
    }
  }

  private async forceDelete(pod: StoredObject): Promise<void> {
    try {
      await this.client.delete({ version: "v1", plural: "pods", namespace: pod.metadata.namespace, name: pod.metadata.name }, { gracePeriodSeconds: 0 });
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) throw error;
    }
  }
}
