import type { StoredObject } from "../api/types.js";
import { addPod, newNodeInfo, type NodeInfo, removePod, setNode } from "./node-info.js";
import { hasPodAffinity, type PodInfo } from "./pod-info.js";

const ZONE_LABELS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const REGION_LABELS = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"];

const firstLabel = (labels: Record<string, string>, keys: string[]): string => {
  for (const k of keys) if (labels[k] !== undefined) return labels[k] as string;
  return "";
};
/** utilnode.GetZoneKey: region and zone, so that nodes interleave across zones. */
const zoneKeyOf = (info: NodeInfo): string => `${firstLabel(info.labels, REGION_LABELS)}:\u0000:${firstLabel(info.labels, ZONE_LABELS)}`;

/**
 * The scheduler's cache (internal/cache): every node with the pods placed on it, including pods
 * the scheduler has assumed onto a node right after choosing it and before the API server's
 * answer and the watch catch up. Assuming keeps a burst of pods from being placed as if the
 * previous ones were not there; a failed binding forgets the pod again.
 */
export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  /** Pod key → the node it is placed on, and whether that is only assumed so far. */
  private readonly placed = new Map<string, { node: string; assumed: boolean }>();
  /** Placed pods per namespace (PodTopologySpread counts), and placed pods with pod affinity terms. */
  readonly podsByNamespace = new Map<string, Map<string, PodInfo>>();
  readonly affinityPods = new Map<string, PodInfo>();
  private order: NodeInfo[] = [];
  private orderDirty = true;

  /** Nodes with a Node object, interleaved across zones as upstream's node tree lists them. */
  nodeList(): NodeInfo[] {
    if (this.orderDirty) {
      const zones = new Map<string, NodeInfo[]>();
      for (const info of this.nodes.values()) {
        if (!info.node) continue;
        const key = zoneKeyOf(info);
        let list = zones.get(key);
        if (!list) zones.set(key, (list = []));
        list.push(info);
      }
      const lists = [...zones.values()];
      const total = lists.reduce((n, l) => n + l.length, 0);
      const out: NodeInfo[] = [];
      for (let i = 0; out.length < total; i++) {
        for (const l of lists) {
          const n = l[i];
          if (n) out.push(n);
        }
      }
      this.order = out;
      this.orderDirty = false;
    }
    return this.order;
  }

  get nodeCount(): number {
    return this.nodeList().length;
  }

  /** Adds or updates a node; returns the previous NodeInfo facts relevant to requeueing (labels, taints …). */
  upsertNode(node: StoredObject): NodeInfo {
    const name = node.metadata.name ?? "";
    let info = this.nodes.get(name);
    if (!info) {
      info = newNodeInfo(name);
      this.nodes.set(name, info);
    }
    const zoneBefore = info.node ? zoneKeyOf(info) : undefined;
    const hadNode = Boolean(info.node);
    setNode(info, node);
    if (!hadNode || zoneBefore !== zoneKeyOf(info)) this.orderDirty = true;
    return info;
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.orderDirty = true;
    // Pods still bound to a deleted node keep occupying it until they go (upstream's "imaginary" node).
    if (info.pods.size > 0) info.node = undefined;
    else this.nodes.delete(name);
  }

  /** Where the pod is placed, if anywhere. */
  placement(key: string): { node: string; assumed: boolean } | undefined {
    return this.placed.get(key);
  }

  isAssumed(key: string): boolean {
    return this.placed.get(key)?.assumed === true;
  }

  /** Places a pod the scheduler has chosen a node for, before its binding is confirmed. */
  assume(pod: PodInfo, nodeName: string): void {
    this.place(pod, nodeName, true);
  }

  /** Undoes an assumption whose binding failed. */
  forget(key: string): void {
    const p = this.placed.get(key);
    if (p?.assumed) this.unplace(key);
  }

  /** A pod the API says is bound (informer add/update with spec.nodeName); confirms an assumption. */
  upsertBound(pod: PodInfo): void {
    this.place(pod, pod.nodeName, false);
  }

  /** A pod that is gone (deleted, finished, or its binding undone). */
  remove(key: string): void {
    this.unplace(key);
  }

  private place(pod: PodInfo, nodeName: string, assumed: boolean): void {
    const before = this.placed.get(pod.key);
    if (before && before.node !== nodeName) this.unplace(pod.key);
    let info = this.nodes.get(nodeName);
    if (!info) {
      info = newNodeInfo(nodeName);
      this.nodes.set(nodeName, info);
    }
    addPod(info, pod);
    this.placed.set(pod.key, { node: nodeName, assumed });
    let ns = this.podsByNamespace.get(pod.namespace);
    if (!ns) this.podsByNamespace.set(pod.namespace, (ns = new Map()));
    ns.set(pod.key, pod);
    if (hasPodAffinity(pod)) this.affinityPods.set(pod.key, pod);
    else this.affinityPods.delete(pod.key);
  }

  private unplace(key: string): void {
    const p = this.placed.get(key);
    if (!p) return;
    this.placed.delete(key);
    const info = this.nodes.get(p.node);
    const pod = info ? removePod(info, key) : undefined;
    if (info && !info.node && info.pods.size === 0) this.nodes.delete(p.node);
    if (pod) {
      const ns = this.podsByNamespace.get(pod.namespace);
      ns?.delete(key);
      if (ns?.size === 0) this.podsByNamespace.delete(pod.namespace);
    }
    this.affinityPods.delete(key);
  }
}
