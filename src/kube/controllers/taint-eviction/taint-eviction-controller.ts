import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { canonicalJson, rec, recs, str } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";
import { taintsOf, type Taint } from "../node-lifecycle/node-health.js";
import { PODS_BY_NODE_INDEX } from "../node-lifecycle/node-lifecycle-controller.js";
import { matchingTolerations, minToleration, type Toleration } from "./tolerations.js";

const noExecuteTaints = (node: StoredObject | undefined): Taint[] => (node ? taintsOf(node).filter((t) => t.effect === "NoExecute") : []);
const tolerationsOf = (pod: StoredObject): Toleration[] => recs(rec(pod.spec).tolerations) as Toleration[];
const nodeNameOf = (pod: StoredObject): string => str(rec(pod.spec).nodeName);

/**
 * kube-controller-manager's taint-eviction-controller (the taint manager): a pod on a node with
 * NoExecute taints it does not tolerate is deleted at once; one that tolerates them for a while
 * (tolerationSeconds, 300 s by default from DefaultTolerationSeconds) is deleted when that time
 * runs out, unless the taints go first. Deletions carry the DisruptionTarget condition and a
 * TaintManagerEviction event.
 */
export class TaintEvictionController {
  private readonly nodes: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly scheduled = new Map<string, { start: number; fireAt: number; cancel: () => void }>();
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.nodes = informers.informer({ version: "v1", plural: "nodes" });
    this.pods = informers.informer({ version: "v1", plural: "pods" });
    this.pods.addIndex(PODS_BY_NODE_INDEX, (pod) => (nodeNameOf(pod) ? [nodeNameOf(pod)] : []));
    this.events = new ControllerEvents(client, clock, "taint-eviction-controller");
  }

  start(): this {
    this.unsubscribe.push(
      this.nodes.subscribe({
        onChange: (node, previous) => {
          if (previous && canonicalJson(noExecuteTaints(previous)) === canonicalJson(noExecuteTaints(node))) return;
          for (const pod of this.pods.byIndex(PODS_BY_NODE_INDEX, node.metadata.name ?? "")) this.process(pod, node);
        },
        onDelete: (node) => {
          for (const pod of this.pods.byIndex(PODS_BY_NODE_INDEX, node.metadata.name ?? "")) this.process(pod, undefined);
        },
      }),
      this.pods.subscribe({
        onChange: (pod, previous) => {
          const nodeName = nodeNameOf(pod);
          if (!nodeName || pod.metadata.deletionTimestamp) return this.cancel(objectKey(pod), false);
          if (previous && nodeNameOf(previous) === nodeName && canonicalJson(tolerationsOf(previous)) === canonicalJson(tolerationsOf(pod))) return;
          this.process(pod, this.nodes.get(nodeName));
        },
        onDelete: (pod) => this.cancel(objectKey(pod), false),
      }),
    );
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    for (const s of this.scheduled.values()) s.cancel();
    this.scheduled.clear();
  }

  /** processPodOnNode */
  private process(pod: StoredObject, node: StoredObject | undefined): void {
    const key = objectKey(pod);
    const taints = noExecuteTaints(node);
    if (taints.length === 0) return this.cancel(key, true);
    const { all, used } = matchingTolerations(taints, tolerationsOf(pod));
    const now = this.clock.now().getTime();
    if (!all) {
      this.cancel(key, false);
      return this.schedule(key, now, now);
    }
    const min = minToleration(used);
    if (min === undefined) return this.cancel(key, true);
    const existing = this.scheduled.get(key);
    // The clock started when the taint was first seen; a shorter toleration brings the deadline forward.
    if (existing && existing.fireAt <= existing.start + min) return;
    const start = existing?.start ?? now;
    this.cancel(key, false);
    this.schedule(key, start, start + min);
  }

  private schedule(key: string, start: number, fireAt: number): void {
    if (fireAt <= this.clock.now().getTime()) return void this.evict(key);
    const cancel = this.clock.setTimer(Math.max(0, fireAt - this.clock.now().getTime()), () => {
      this.scheduled.delete(key);
      void this.evict(key);
    });
    this.scheduled.set(key, { start, fireAt, cancel });
  }

  private cancel(key: string, withEvent: boolean): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    s.cancel();
    this.scheduled.delete(key);
    const pod = this.pods.get(key);
    if (withEvent && pod) this.events.normal(pod, "TaintManagerEviction", `Cancelling deletion of Pod ${key}`);
  }

  /** deletePodHandler: event, DisruptionTarget condition, delete. */
  private async evict(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const [namespace = "", name = ""] = key.split("/");
    const ref = { version: "v1", plural: "pods", namespace, name };
    this.events.normal(pod, "TaintManagerEviction", `Marking for deletion Pod ${key}`);
    try {
      const condition = {
        type: "DisruptionTarget",
        status: "True",
        reason: "DeletionByTaintManager",
        message: "Taint manager: deleting due to NoExecute taint",
        lastTransitionTime: kubeTime(this.clock.now()),
      };
      // A strategic patch merges the condition by type, leaving the kubelet's status alone.
      await this.client.patch({ ...ref, subresource: "status" }, { status: { conditions: [condition] } }, "strategic");
      await this.client.delete(ref);
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return;
      this.logger.warn("taint eviction failed; retrying", { pod: key, error: String(error) });
      this.schedule(key, this.clock.now().getTime(), this.clock.now().getTime() + 1000);
    }
  }
}
