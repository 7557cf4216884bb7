import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { rec, recs, str } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";
import {
  hasNoExecute,
  noScheduleTaints,
  NOT_READY,
  readyCondition,
  readyStatus,
  silentNodeConditions,
  swapNoExecute,
  UNREACHABLE,
  zoneOf,
  zoneState,
  type Taint,
  type ZoneState,
} from "./node-health.js";

/** kube-controller-manager's defaults. */
export const NODE_LIFECYCLE_DEFAULTS = {
  /** --node-monitor-period */
  monitorPeriodMs: 5_000,
  /** --node-monitor-grace-period */
  gracePeriodMs: 40_000,
  /** nodeStartupGracePeriod: for nodes whose kubelet never posted Ready. */
  startupGracePeriodMs: 60_000,
  /** --node-eviction-rate / --secondary-node-eviction-rate (nodes per second per zone). */
  evictionQps: 0.1,
  secondaryEvictionQps: 0.01,
  /** --large-cluster-size-threshold */
  largeClusterThreshold: 50,
};

export const PODS_BY_NODE_INDEX = "node-lifecycle:nodeName";

interface Health {
  probeTimestamp: number;
  heartbeat: string;
  leaseRenewTime: string;
}

/**
 * kube-controller-manager's node-lifecycle-controller: every 5 s it checks each Node's heartbeat
 * (its Lease in kube-node-lease or its Ready condition); a node silent for 40 s gets its
 * conditions set to Unknown ("Kubelet stopped posting node status."), its pods marked not ready,
 * and the unreachable NoExecute taint (not-ready for a node reporting Ready=False), added per
 * zone at --node-eviction-rate and withheld when every zone is down (full disruption). Condition
 * and cordon NoSchedule taints mirror the node as it changes. Evicting pods is the taint eviction
 * controller's job.
 */
export class NodeLifecycleController {
  private readonly nodes: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly leases: Informer;
  private readonly health = new Map<string, Health>();
  private readonly zoneStates = new Map<string, ZoneState>();
  /** Per zone: nodes waiting for a NoExecute taint, and the token bucket that paces them. */
  private readonly taintQueues = new Map<string, Set<string>>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly noSchedule: WorkQueue;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private cancelTimer?: () => void;
  private stopped = false;
  private monitoring = false;

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options = NODE_LIFECYCLE_DEFAULTS,
  ) {
    this.nodes = informers.informer({ version: "v1", plural: "nodes" });
    this.pods = informers.informer({ version: "v1", plural: "pods" });
    this.pods.addIndex(PODS_BY_NODE_INDEX, (pod) => {
      const node = str(rec(pod.spec).nodeName);
      return node ? [node] : [];
    });
    this.events = new ControllerEvents(client, clock, "node-controller");
    this.noSchedule = new WorkQueue(clock, (name) => this.syncNoScheduleTaints(name));
    this.leases = new Informer(client, { group: "coordination.k8s.io", version: "v1", plural: "leases", namespace: "kube-node-lease" }, clock, {
      onChange: (lease) => {
        const h = this.health.get(lease.metadata.name ?? "");
        const renew = str(rec(lease.spec).renewTime);
        if (h && renew && renew !== h.leaseRenewTime) {
          h.leaseRenewTime = renew;
          h.probeTimestamp = this.now();
        }
      },
    });
  }

  start(): this {
    this.unsubscribe.push(
      this.nodes.subscribe({
        onChange: (node, previous) => this.observe(node, previous),
        onDelete: (node) => this.forget(node),
      }),
      this.pods.subscribe({}),
    );
    this.leases.start();
    this.schedule();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.unsubscribe.splice(0).forEach((u) => u());
    this.leases.stop();
    this.noSchedule.stop();
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancelTimer = this.clock.setTimer(this.options.monitorPeriodMs, () => {
      void this.monitor().finally(() => this.schedule());
    });
  }

  private observe(node: StoredObject, previous?: StoredObject): void {
    const name = node.metadata.name ?? "";
    const heartbeat = str(readyCondition(node)?.lastHeartbeatTime);
    const h = this.health.get(name);
    if (!h) {
      this.health.set(name, { probeTimestamp: this.now(), heartbeat, leaseRenewTime: str(rec(this.leases.get(`kube-node-lease/${name}`)?.spec).renewTime) });
      if (!previous) this.events.normal(nodeRef(node), "RegisteredNode", `Node ${name} event: Registered Node ${name} in Controller`);
    } else if (heartbeat !== h.heartbeat) {
      h.heartbeat = heartbeat;
      h.probeTimestamp = this.now();
    }
    this.noSchedule.add(name);
  }

  private forget(node: StoredObject): void {
    const name = node.metadata.name ?? "";
    this.health.delete(name);
    for (const queue of this.taintQueues.values()) queue.delete(name);
  }

  /** monitorNodeHealth: one pass over every node. */
  async monitor(): Promise<void> {
    if (this.monitoring) return;
    this.monitoring = true;
    try {
      await Promise.all([this.nodes.synced(), this.leases.synced(), this.pods.synced()]);
      const now = this.now();
      const byZone = new Map<string, string[]>();
      const nodes = this.nodes.list();
      for (const cached of nodes) {
        let node = cached;
        try {
          node = await this.updateHealth(cached, now);
          await this.processTaintBasedEviction(node);
        } catch (error) {
          // Usually a conflict with the kubelet's own write; the next pass sees the node again.
          this.logger.warn("node health update failed", { node: cached.metadata.name, error: String(error) });
        }
        const zone = zoneOf(node);
        let statuses = byZone.get(zone);
        if (!statuses) byZone.set(zone, (statuses = []));
        statuses.push(readyStatus(node));
      }
      await this.handleDisruption(byZone, nodes);
      await this.drainTaintQueues(byZone, nodes.length);
    } catch (error) {
      this.logger.warn("node health pass failed", { error: String(error) });
    } finally {
      this.monitoring = false;
    }
  }

  /** tryUpdateNodeHealth: a node silent past its grace period gets Unknown conditions; its pods stop being ready. */
  private async updateHealth(node: StoredObject, now: number): Promise<StoredObject> {
    const name = node.metadata.name ?? "";
    let h = this.health.get(name);
    if (!h) {
      h = { probeTimestamp: now, heartbeat: str(readyCondition(node)?.lastHeartbeatTime), leaseRenewTime: "" };
      this.health.set(name, h);
    }
    const observedReady = readyCondition(node);
    const grace = observedReady ? this.options.gracePeriodMs : this.options.startupGracePeriodMs;
    if (now <= h.probeTimestamp + grace) return node;
    const conditions = silentNodeConditions(node, new Date(now));
    if (!conditions) return node;
    const updated = await this.client.update(
      { version: "v1", plural: "nodes", name, subresource: "status" },
      { ...node, status: { ...rec(node.status), conditions } },
    );
    if (observedReady?.status === "True") {
      this.events.normal(nodeRef(node), "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
      await this.markPodsNotReady(name);
    }
    return updated;
  }

  /** MarkPodsNotReady: the pods of a node that stopped reporting are no longer ready (so endpoints drop them). */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    const time = kubeTime(this.clock.now());
    for (const pod of this.pods.byIndex(PODS_BY_NODE_INDEX, nodeName)) {
      const conditions = recs(rec(pod.status).conditions);
      const ready = conditions.find((c) => c.type === "Ready");
      if (!ready || ready.status === "False") continue;
      try {
        await this.client.patch(
          { version: "v1", plural: "pods", namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: "status" },
          { status: { conditions: [{ type: "Ready", status: "False", lastTransitionTime: time }] } },
          "strategic",
        );
        this.events.warning(pod, "NodeNotReady", "Node is not ready");
      } catch (error) {
        this.logger.warn("could not mark pod not ready", { pod: pod.metadata.name, error: String(error) });
      }
    }
  }

  /** processTaintBaseEviction: queue the NoExecute taint matching the Ready status, swap at once if the other one is there, clear on Ready. */
  private async processTaintBasedEviction(node: StoredObject): Promise<void> {
    const name = node.metadata.name ?? "";
    const zone = zoneOf(node);
    // A node whose kubelet never reported is left alone until its startup grace period ends.
    if (!readyCondition(node)) return;
    const status = readyStatus(node);
    if (status === "True") {
      this.taintQueues.get(zone)?.delete(name);
      await this.setNoExecute(node, undefined);
      return;
    }
    const want = status === "False" ? NOT_READY : UNREACHABLE;
    const other = want === NOT_READY ? UNREACHABLE : NOT_READY;
    if (hasNoExecute(node, want)) return;
    if (hasNoExecute(node, other)) {
      await this.setNoExecute(node, want);
      return;
    }
    let queue = this.taintQueues.get(zone);
    if (!queue) this.taintQueues.set(zone, (queue = new Set()));
    queue.add(name);
  }

  /** handleDisruption: with every zone down, NoExecute taints come off and tainting stops; on recovery, heartbeats are given a fresh grace period. */
  private async handleDisruption(byZone: Map<string, string[]>, nodes: StoredObject[]): Promise<void> {
    const next = new Map<string, ZoneState>([...byZone].map(([zone, statuses]) => [zone, zoneState(statuses)]));
    const allFully = next.size > 0 && [...next.values()].every((s) => s === "FullDisruption");
    const allWereFully = this.zoneStates.size > 0 && [...this.zoneStates.values()].every((s) => s === "FullDisruption");
    if (allFully && !allWereFully) {
      this.logger.info("all nodes are not ready: entering master disruption mode");
      for (const node of nodes) await this.setNoExecute(this.nodes.get(node.metadata.name ?? "") ?? node, undefined).catch(() => undefined);
    }
    if (!allFully && allWereFully) {
      const now = this.now();
      for (const h of this.health.values()) h.probeTimestamp = now;
    }
    this.zoneStates.clear();
    for (const [zone, state] of next) this.zoneStates.set(zone, state);
  }

  private async drainTaintQueues(byZone: Map<string, string[]>, clusterSize: number): Promise<void> {
    const allFully = this.zoneStates.size > 0 && [...this.zoneStates.values()].every((s) => s === "FullDisruption");
    for (const [zone, queue] of this.taintQueues) {
      if (allFully || !byZone.has(zone)) continue;
      const state = this.zoneStates.get(zone) ?? "Normal";
      const qps =
        state === "PartialDisruption"
          ? clusterSize > this.options.largeClusterThreshold
            ? this.options.secondaryEvictionQps
            : 0
          : this.options.evictionQps;
      for (const name of [...queue]) {
        if (!this.takeToken(zone, qps)) break;
        queue.delete(name);
        const node = this.nodes.get(name);
        const status = node ? readyStatus(node) : "True";
        if (node && status !== "True") {
          await this.setNoExecute(node, status === "False" ? NOT_READY : UNREACHABLE).catch((error: unknown) => {
            queue.add(name);
            this.logger.warn("could not taint node", { node: name, error: String(error) });
          });
        }
      }
    }
  }

  /** A token bucket per zone (burst 1), as the RateLimitedTimedQueue of the NoExecute tainter. */
  private takeToken(zone: string, qps: number): boolean {
    if (qps <= 0) return false;
    const now = this.now();
    let bucket = this.buckets.get(zone);
    if (!bucket) this.buckets.set(zone, (bucket = { tokens: 1, at: now }));
    bucket.tokens = Math.min(1, bucket.tokens + ((now - bucket.at) / 1000) * qps);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private async setNoExecute(node: StoredObject, add: string | undefined): Promise<void> {
    const taints = swapNoExecute(node, add, [NOT_READY, UNREACHABLE].filter((k) => k !== add), this.clock.now());
    if (taints) await this.writeTaints(node, taints);
  }

  private async syncNoScheduleTaints(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const taints = noScheduleTaints(node);
    if (taints) await this.writeTaints(node, taints);
  }

  private async writeTaints(node: StoredObject, taints: Taint[]): Promise<void> {
    // A conflict means the node moved on; the next event or pass sees it again.
    await this.client.update({ version: "v1", plural: "nodes", name: node.metadata.name }, { ...node, spec: { ...rec(node.spec), taints } });
  }
}

/** Node events are about the node by name (upstream gives node references the name as UID). */
const nodeRef = (node: StoredObject): StoredObject => ({ ...node, metadata: { ...node.metadata, uid: node.metadata.name, namespace: undefined } });
