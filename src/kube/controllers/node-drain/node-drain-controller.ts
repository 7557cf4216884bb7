import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import { SYSTEM_MASTERS } from "../../apiserver/auth/authorizer.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { WorkQueue } from "../../client/work-queue.js";
import type { ClusterNodeSource, NodeInstance } from "../../kubelet/node-source.js";
import { controllerRefOf, rec } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";

/** EKS's node manager, which drains the nodes of managed node groups (an eks:* identity, like the other EKS components). */
export const EKS_NODE_MANAGER_USER: UserInfo = { username: "eks:node-manager", groups: [SYSTEM_MASTERS, "system:authenticated"] };

export const NODE_DRAIN = {
  /** Without a deadline from the instance: EKS gives a scaled-in node's pods 15 minutes. */
  timeoutMs: 15 * 60_000,
  /** How often refused evictions (PodDisruptionBudget, 429) are retried, and gone pods looked for, as `kubectl drain` does. */
  retryMs: 5_000,
};

const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
const NODES = { version: "v1", plural: "nodes" };

/** What `kubectl drain` leaves alone: DaemonSet pods (their controller would put them straight back) and mirror pods. */
function evictable(pod: StoredObject): boolean {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return false;
  return controllerRefOf(pod)?.kind !== "DaemonSet";
}

const podName = (pod: StoredObject) => `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;

/**
 * The Kubernetes half of a managed node group's scale-in and deletion: an instance its Auto
 * Scaling group holds in the termination lifecycle hook (NodeInstance.draining) has its Node
 * cordoned (spec.unschedulable) and its pods evicted through the eviction API, so that
 * PodDisruptionBudgets are honoured; refused evictions are retried every 5 s. When no evictable
 * pod is left, or at the drain deadline the EKS side set (15 minutes for a scale-in, 5 for a
 * deletion; stored with the instance, so a restart keeps it), the lifecycle action is completed
 * and EC2 terminates the instance.
 * Only draining nodes are looked at (a LIST of their pods per round): idle clusters pay nothing.
 */
export class NodeDrainController {
  private readonly draining = new Map<string, NodeInstance>();
  private readonly announced = new Set<string>();
  /** The pods a disruption budget kept on each draining instance at the last try. */
  private readonly blocked = new Map<string, string>();
  private readonly queue: WorkQueue;
  private readonly events: ControllerEvents;
  private stopWatch?: () => void;

  constructor(
    private readonly client: InProcessClient,
    private readonly nodeSource: ClusterNodeSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.events = new ControllerEvents(client, clock, "eks-node-manager");
    this.queue = new WorkQueue(clock, (id) => this.drain(id), {
      onError: (id, error) => logger.warn("node drain failed; retrying", { instance: id, error: String(error) }),
    });
  }

  start(): this {
    this.stopWatch = this.nodeSource.watchInstances((instance) => this.instanceChanged(instance));
    return this;
  }

  stop(): void {
    this.stopWatch?.();
    this.queue.stop();
  }

  private instanceChanged(instance: NodeInstance): void {
    const id = instance.instanceId;
    if (instance.draining && (instance.state === "pending" || instance.state === "running")) {
      this.draining.set(id, instance);
      this.queue.add(id);
    } else {
      this.draining.delete(id);
      this.announced.delete(id);
    }
  }

  private async drain(id: string): Promise<void> {
    const instance = this.draining.get(id);
    if (!instance) return;
    const now = this.clock.now().getTime();
    const deadline = instance.drainDeadline ? Date.parse(instance.drainDeadline) : now + NODE_DRAIN.timeoutMs;
    const node = await this.node(instance.privateDnsName);
    // Never registered (still booting): nothing runs there.
    if (!node) return this.complete(id);

    const name = instance.privateDnsName;
    const cordoned = rec(node.spec).unschedulable === true ? node : await this.client.patch({ ...NODES, name }, { spec: { unschedulable: true } });
    if (!this.announced.has(id)) {
      this.announced.add(id);
      this.events.normal(cordoned, "NodeDraining", `Cordoned the node and evicting its pods: instance ${id} is terminating (Auto Scaling lifecycle hook Terminating:Wait)`);
    }

    const pods = (await this.client.list({ version: "v1", plural: "pods" }, { fieldSelector: `spec.nodeName=${name}` })).items.filter(evictable);
    const refused: string[] = [];
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const outcome = await this.evict(pod);
      if (outcome === "refused") refused.push(podName(pod));
      else if (outcome === "evicted") this.events.normal(pod, "Evicted", `Evicted pod: node ${name} is draining`);
    }
    // Said once per blocked set, not on every 5-second retry (the event spam filter would drop the outcome's event).
    const blocked = refused.join(", ");
    if (refused.length > 0 && this.blocked.get(id) !== blocked) {
      this.events.warning(cordoned, "EvictionBlocked", `Cannot evict pod as it would violate the pod's disruption budget: ${blocked}`);
    }
    this.blocked.set(id, blocked);

    if (pods.length === 0) {
      this.events.normal(cordoned, "NodeDrained", `Drained the node; terminating instance ${id}`);
      return this.complete(id);
    }
    if (this.clock.now().getTime() >= deadline) {
      const left = pods.map(podName);
      this.events.warning(
        cordoned,
        "NodeDrainTimeout",
        `Gave up draining at the deadline with ${left.length} pod(s) left (${left.join(", ")}); terminating instance ${id}`,
      );
      return this.complete(id);
    }
    // Evicted pods are still terminating, or budgets refused: look again (never past the deadline).
    this.queue.addAfter(id, Math.min(NODE_DRAIN.retryMs, Math.max(1, deadline - this.clock.now().getTime())));
  }

  private async node(name: string): Promise<StoredObject | undefined> {
    try {
      return await this.client.get({ ...NODES, name });
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  }

  /** POST pods/<name>/eviction: 429 is a PodDisruptionBudget refusing (retried), 404 a pod already gone. */
  private async evict(pod: StoredObject): Promise<"evicted" | "refused" | "gone"> {
    const namespace = pod.metadata.namespace ?? "default";
    const name = pod.metadata.name ?? "";
    try {
      await this.client.request("POST", `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/eviction`, {
        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace }, deleteOptions: { preconditions: { uid: pod.metadata.uid } } },
      });
      return "evicted";
    } catch (error) {
      if (error instanceof StatusError && error.code === 429) return "refused";
      if (error instanceof StatusError && (error.code === 404 || error.code === 409)) return "gone";
      throw error;
    }
  }

  private async complete(id: string): Promise<void> {
    await this.nodeSource.completeLifecycleAction(id);
    this.draining.delete(id);
    this.announced.delete(id);
    this.blocked.delete(id);
    this.logger.info("node drain finished; instance terminating", { instance: id });
  }
}
