import type { StoredObject } from "../api/types.js";
import { addPod, newNodeInfo, type NodeInfo, removePod, setNode } from "./node-info.js";
import { hasPodAffinity, type PodInfo } from "./pod-info.js";
import type { LabelMatcher } from "./selectors.js";

const ZONE_LABELS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const REGION_LABELS = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"];

const firstLabel = (labels: Record<string, string>, keys: string[]): string => {
  for (const k of keys) if (labels[k] !== undefined) return labels[k] as string;
  return "";
};
/** utilnode.GetZoneKey: region and zone, so that nodes interleave across zones. */
const zoneKeyOf = (info: NodeInfo): string => `${firstLabel(info.labels, REGION_LABELS)}:\u0000:${firstLabel(info.labels, ZONE_LABELS)}`;

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Selectors whose per-node counts are kept at once; past this, all are dropped and rebuilt on use. */
const MAX_MATCH_INDEXES = 64;

interface MatchIndex {
  matcher: LabelMatcher;
  /** Node name → placed, non-terminating pods the matcher selects. */
  perNode: Map<string, number>;
  /** Topology key → domain → the same pods summed over the nodes (with a Node object) in it; built on first use. */
  perDomain: Map<string, Map<string, number>>;
}

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
  /** Namespace → selector key → per-node counts, kept up to date as pods are placed and removed. */
  private readonly matchIndexes = new Map<string, Map<string, MatchIndex>>();
  private matchIndexCount = 0;
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
    const labelsBefore = info.labels;
    setNode(info, node);
    if (!hadNode || !sameLabels(labelsBefore, info.labels)) this.forgetDomainSums();
    if (!hadNode || zoneBefore !== zoneKeyOf(info)) this.orderDirty = true;
    return info;
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.orderDirty = true;
    this.forgetDomainSums();
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

  /**
   * Per node, how many placed pods of `namespace` (not being deleted) the selector matches:
   * PodTopologySpread's counts without a scan of every pod for every pod scheduled.
   */
  matchingPerNode(namespace: string, matcher: LabelMatcher): ReadonlyMap<string, number> {
    const key = matcher.key;
    let byKey = this.matchIndexes.get(namespace);
    let index = key === undefined ? undefined : byKey?.get(key);
    if (index) return index.perNode;
    const perNode = new Map<string, number>();
    for (const other of this.podsByNamespace.get(namespace)?.values() ?? []) {
      const node = this.placed.get(other.key)?.node;
      if (node !== undefined && !other.deleting && matcher(other.labels)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    if (key === undefined) return perNode;
    if (this.matchIndexCount >= MAX_MATCH_INDEXES) {
      this.matchIndexes.clear();
      this.matchIndexCount = 0;
      byKey = undefined;
    }
    if (!byKey) this.matchIndexes.set(namespace, (byKey = new Map()));
    index = { matcher, perNode, perDomain: new Map() };
    byKey.set(key, index);
    this.matchIndexCount++;
    return perNode;
  }

  /**
   * matchingPerNode summed per domain of `topologyKey` (nodes without a Node object left out):
   * PodTopologySpread's counts when every node is eligible.
   */
  matchingPerDomain(namespace: string, matcher: LabelMatcher, topologyKey: string): ReadonlyMap<string, number> {
    const perNode = this.matchingPerNode(namespace, matcher);
    const index = matcher.key === undefined ? undefined : this.matchIndexes.get(namespace)?.get(matcher.key);
    let sums = index?.perDomain.get(topologyKey);
    if (sums) return sums;
    sums = new Map<string, number>();
    for (const [name, n] of perNode) {
      const node = this.nodes.get(name);
      // A node without the label is in the "" domain, as the scheduler's domain list puts it.
      if (node?.node) {
        const value = node.labels[topologyKey] ?? "";
        sums.set(value, (sums.get(value) ?? 0) + n);
      }
    }
    index?.perDomain.set(topologyKey, sums);
    return sums;
  }

  private countMatches(pod: PodInfo, nodeName: string, sign: 1 | -1): void {
    if (pod.deleting) return;
    const indexes = this.matchIndexes.get(pod.namespace);
    if (!indexes) return;
    const node = this.nodes.get(nodeName);
    for (const index of indexes.values()) {
      if (!index.matcher(pod.labels)) continue;
      const n = (index.perNode.get(nodeName) ?? 0) + sign;
      if (n > 0) index.perNode.set(nodeName, n);
      else index.perNode.delete(nodeName);
      if (!node?.node) continue;
      for (const [key, sums] of index.perDomain) {
        const value = node.labels[key] ?? "";
        sums.set(value, (sums.get(value) ?? 0) + sign);
      }
    }
  }

  /** A node appeared, went, or changed labels: the domain sums are rebuilt on next use. */
  private forgetDomainSums(): void {
    for (const indexes of this.matchIndexes.values()) for (const index of indexes.values()) index.perDomain.clear();
  }

  private place(pod: PodInfo, nodeName: string, assumed: boolean): void {
    // A new version of a placed pod replaces the old one everywhere (its labels or deletion may differ).
    if (this.placed.has(pod.key)) this.unplace(pod.key);
    let info = this.nodes.get(nodeName);
    if (!info) {
      info = newNodeInfo(nodeName);
      this.nodes.set(nodeName, info);
    }
    addPod(info, pod);
    this.placed.set(pod.key, { node: nodeName, assumed });
    this.countMatches(pod, nodeName, 1);
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
      this.countMatches(pod, p.node, -1);
      const ns = this.podsByNamespace.get(pod.namespace);
      ns?.delete(key);
      if (ns?.size === 0) this.podsByNamespace.delete(pod.namespace);
    }
    this.affinityPods.delete(key);
  }
}
