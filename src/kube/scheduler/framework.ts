import type { SchedulerCache } from "./cache.js";
import { matchesNodeSelectorAndAffinity, runNodeFilters } from "./filters.js";
import { interPodAffinityFilter, interPodAffinityPreFilter, interPodAffinityScores, type InterPodAffinityState } from "./inter-pod-affinity.js";
import type { NodeInfo } from "./node-info.js";
import { type PodInfo, termMatches } from "./pod-info.js";
import { nodeLocalScores } from "./scoring.js";
import { type LabelMatcher, type Labels, matchEverything, untoleratedTaint } from "./selectors.js";
import { type Diagnosis, type NodeStatus, unresolvable } from "./status.js";
import { spreadFilter, spreadPreFilter, type SpreadFilterState, spreadScores } from "./topology-spread.js";

/** What the algorithm reads besides the cache: namespace labels, default spreading selectors, nominations. */
export interface FrameworkHandle {
  cache: SchedulerCache;
  namespaceLabels(ns: string): Labels;
  /** helper.DefaultSelector: the labels of the Services, ReplicaSets, StatefulSets … selecting the pod; undefined when none. */
  defaultSelector(pod: PodInfo): LabelMatcher | undefined;
  /** Pods nominated (by preemption) to run on a node. */
  nominatedPods(node: string): PodInfo[];
  /** Whether any pod is nominated anywhere (most of the time none is). */
  hasNominatedPods(): boolean;
  random(): number;
}

/** The per-cycle state PreFilter computes once and every Filter call reads (framework.CycleState). */
export interface CycleState {
  pod: PodInfo;
  interPod?: InterPodAffinityState;
  spread?: SpreadFilterState;
}

export type ScheduleOutcome =
  | { kind: "scheduled"; node: string; evaluated: number; feasible: number }
  | { kind: "unschedulable"; diagnosis: Diagnosis; state?: CycleState }
  | { kind: "noNodes" };

/** kube-scheduler's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/** numFeasibleNodesToFind with percentageOfNodesToScore unset: adaptive, 50% − nodes/125, at least 5% and 100 nodes. */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  const percentage = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAllNodes * percentage) / 100));
}

/** Weights of the default profile's cluster-wide score plugins (the node-local ones are in scoring.ts). */
export const SCORE_WEIGHTS = { PodTopologySpread: 2, InterPodAffinity: 2 } as const;

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

/** A pod only the resource and schedulability checks can reject (no node name, selectors, affinity, ports, spreading, extended resources). */
const isPlain = (pod: PodInfo, state: CycleState): boolean =>
  !pod.nodeName &&
  pod.nodeSelectorKeys.length === 0 &&
  !pod.requiredNodeAffinity &&
  pod.hostPorts.length === 0 &&
  !pod.hasScalarRequests &&
  !state.spread &&
  !state.interPod;

/** The filters' verdict for a plain pod on a schedulable, untainted node with room: it fits. */
const fitsPlainly = (pod: PodInfo, node: NodeInfo): boolean =>
  !node.unschedulable &&
  node.taints.length === 0 &&
  node.podCount < node.allowedPods &&
  pod.cpu <= node.allocCPU - node.reqCPU &&
  pod.memory <= node.allocMemory - node.reqMemory &&
  pod.ephemeral <= node.allocEphemeral - node.reqEphemeral;

/**
 * The scheduling algorithm of the default profile (schedulePod): PreFilter, Filter over a
 * rotating sample of nodes (stops once enough feasible nodes are found), Score with the default
 * weights, then a random pick among the best.
 */
export class SchedulingAlgorithm {
  private nextStartNodeIndex = 0;

  constructor(private readonly handle: FrameworkHandle) {}

  preFilter(pod: PodInfo): CycleState {
    const { cache } = this.handle;
    const state: CycleState = { pod };
    const interPod = interPodAffinityPreFilter(pod, cache, (ns) => this.handle.namespaceLabels(ns));
    if (interPod) state.interPod = interPod;
    const spread = spreadPreFilter(pod, cache);
    if (spread) state.spread = spread;
    return state;
  }

  /** Every filter in the default profile's order; the first rejection is the node's status. */
  runFilters(state: CycleState, node: NodeInfo): NodeStatus | undefined {
    const { pod } = state;
    const nominated = this.handle.nominatedPods(node.name);
    return (
      runNodeFilters(pod, node, nominated.length === 0 ? nominated : nominated.filter((p) => p.key !== pod.key && p.priority >= pod.priority)) ??
      (state.spread ? spreadFilter(state.spread, pod, node) : undefined) ??
      (state.interPod ? interPodAffinityFilter(state.interPod, pod, node) : undefined)
    );
  }

  schedule(pod: PodInfo): ScheduleOutcome {
    const { cache } = this.handle;
    const allNodes = cache.nodeList();
    if (allNodes.length === 0) return { kind: "noNodes" };
    const diagnosis: Diagnosis = { numAllNodes: allNodes.length, statuses: new Map() };
    let nodes = allNodes;
    if (pod.pinnedNodes) {
      if (pod.pinnedNodes.size === 0) {
        const status = unresolvable("NodeAffinity", "pod affinity terms conflict");
        return { kind: "unschedulable", diagnosis: { ...diagnosis, absent: status, preFilterMsg: status.reasons[0] as string } };
      }
      nodes = [];
      for (const name of pod.pinnedNodes) {
        const info = cache.nodes.get(name);
        if (info?.node) nodes.push(info);
      }
      diagnosis.absent = unresolvable("NodeAffinity", "node(s) didn't satisfy plugin(s) [NodeAffinity]");
    }
    const state = this.preFilter(pod);

    // A pod nominated by an earlier preemption tries its nominated node first.
    if (pod.nominatedNodeName) {
      const nominated = cache.nodes.get(pod.nominatedNodeName);
      const allowed = !pod.pinnedNodes || pod.pinnedNodes.has(pod.nominatedNodeName);
      if (nominated?.node && allowed && !this.runFilters(state, nominated)) {
        return { kind: "scheduled", node: nominated.name, evaluated: 1, feasible: 1 };
      }
    }

    const toFind = numFeasibleNodesToFind(nodes.length);
    const feasible: NodeInfo[] = [];
    let processed = 0;
    // Most pods only ask for resources: a node that is schedulable, untainted and has room passes
    // every filter, so it is accepted without running them; any other node runs the full chain.
    const plain = isPlain(pod, state) && !this.handle.hasNominatedPods();
    const count = nodes.length;
    let index = count > 0 ? this.nextStartNodeIndex % count : 0;
    for (let i = 0; i < count; i++) {
      const node = nodes[index] as NodeInfo;
      index = index + 1 === count ? 0 : index + 1;
      processed++;
      if (!(plain && fitsPlainly(pod, node))) {
        const status = this.runFilters(state, node);
        if (status) {
          diagnosis.statuses.set(node.name, status);
          continue;
        }
      }
      feasible.push(node);
      if (feasible.length >= toFind) break;
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % allNodes.length;
    if (feasible.length === 0) return { kind: "unschedulable", diagnosis, state };
    const chosen = feasible.length === 1 ? (feasible[0] as NodeInfo) : this.selectHost(pod, feasible);
    return { kind: "scheduled", node: chosen.name, evaluated: processed, feasible: feasible.length };
  }

  /** Weighted sum of every score plugin; ties broken uniformly at random (reservoir sampling, as selectHost). */
  private selectHost(pod: PodInfo, feasible: NodeInfo[]): NodeInfo {
    const scores = this.scoreNodes(pod, feasible);
    let best = -Infinity;
    let chosen = feasible[0] as NodeInfo;
    let ties = 0;
    for (let i = 0; i < feasible.length; i++) {
      const s = scores[i] as number;
      if (s > best) {
        best = s;
        chosen = feasible[i] as NodeInfo;
        ties = 1;
      } else if (s === best) {
        ties++;
        if (this.handle.random() * ties < 1) chosen = feasible[i] as NodeInfo;
      }
    }
    return chosen;
  }

  scoreNodes(pod: PodInfo, feasible: NodeInfo[]): Float64Array {
    const { cache } = this.handle;
    const total = nodeLocalScores(pod, feasible);
    const addWeighted = (scores: number[] | undefined, weight: number) => {
      if (!scores) return;
      for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (scores[i] ?? 0) * weight;
    };
    addWeighted(spreadScoresFor(this.handle, pod, feasible), SCORE_WEIGHTS.PodTopologySpread);
    addWeighted(interPodAffinityScores(pod, cache, feasible, (ns) => this.handle.namespaceLabels(ns)), SCORE_WEIGHTS.InterPodAffinity);
    return total;
  }
}

const spreadScoresFor = (handle: FrameworkHandle, pod: PodInfo, feasible: NodeInfo[]): number[] | undefined =>
  spreadScores(pod, handle.cache, feasible, () => handle.defaultSelector(pod));

/** A private copy of a cycle state, for preemption's what-if runs. */
export function cloneState(state: CycleState): CycleState {
  const out: CycleState = { pod: state.pod };
  if (state.interPod) {
    out.interPod = {
      existingAntiAffinity: new Map(state.interPod.existingAntiAffinity),
      affinity: new Map(state.interPod.affinity),
      antiAffinity: new Map(state.interPod.antiAffinity),
      selfMatchesAllAffinity: state.interPod.selfMatchesAllAffinity,
    };
  }
  if (state.spread) {
    out.spread = { constraints: state.spread.constraints, counts: state.spread.counts.map((m) => new Map(m)), minMatch: [...state.spread.minMatch] };
  }
  return out;
}

/**
 * PreFilterExtensions AddPod/RemovePod: keeps the InterPodAffinity and PodTopologySpread
 * states right when preemption removes (delta −1) or restores (+1) a pod on `node`.
 */
export function updateStateWithPod(state: CycleState, other: PodInfo, node: NodeInfo, delta: 1 | -1, namespaceLabels: (ns: string) => Labels): void {
  const { pod } = state;
  const bump = (m: Map<string, number>, key: string) => {
    const v = (m.get(key) ?? 0) + delta;
    if (v === 0) m.delete(key);
    else m.set(key, v);
  };
  if (state.interPod) {
    const s = state.interPod;
    for (const term of other.requiredAntiAffinity) {
      const value = node.labels[term.topologyKey];
      if (value !== undefined && termMatches(term, pod, namespaceLabels)) bump(s.existingAntiAffinity, pairKey(term.topologyKey, value));
    }
    if (pod.requiredAffinity.length > 0 && pod.requiredAffinity.every((t) => termMatches(t, other, namespaceLabels))) {
      for (const term of pod.requiredAffinity) {
        const value = node.labels[term.topologyKey];
        if (value !== undefined) bump(s.affinity, pairKey(term.topologyKey, value));
      }
    }
    for (const term of pod.requiredAntiAffinity) {
      const value = node.labels[term.topologyKey];
      if (value !== undefined && termMatches(term, other, namespaceLabels)) bump(s.antiAffinity, pairKey(term.topologyKey, value));
    }
  }
  if (state.spread && other.namespace === pod.namespace && !other.deleting) {
    const s = state.spread;
    if (!s.constraints.every((c) => node.labels[c.topologyKey] !== undefined)) return;
    s.constraints.forEach((c, i) => {
      if (c.selector === matchEverything || !c.selector(other.labels)) return;
      if (c.honorNodeAffinity && !matchesNodeSelectorAndAffinity(pod, node)) return;
      if (c.honorNodeTaints && untoleratedTaint(node.taints, pod.tolerations)) return;
      const m = s.counts[i] as Map<string, number>;
      const value = node.labels[c.topologyKey] as string;
      m.set(value, (m.get(value) ?? 0) + delta);
      if (m.size >= c.minDomains) {
        let min = Infinity;
        for (const v of m.values()) min = Math.min(min, v);
        s.minMatch[i] = Number.isFinite(min) ? min : 0;
      }
    });
  }
}
