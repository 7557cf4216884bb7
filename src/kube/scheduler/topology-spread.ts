import type { SchedulerCache } from "./cache.js";
import { matchesNodeSelectorAndAffinity } from "./filters.js";
import type { NodeInfo } from "./node-info.js";
import type { PodInfo, SpreadConstraint } from "./pod-info.js";
import { type LabelMatcher, matchEverything, untoleratedTaint } from "./selectors.js";
import { type NodeStatus, unresolvable, unschedulable } from "./status.js";

/**
 * PodTopologySpread. DoNotSchedule constraints filter (matching pods per domain + this pod −
 * the smallest domain ≤ maxSkew, the smallest counting as 0 while there are fewer than minDomains
 * domains); ScheduleAnyway constraints, or the system defaults (hostname maxSkew 3, zone maxSkew 5,
 * for pods selected by a Service, ReplicaSet, StatefulSet or ReplicationController) score.
 */

export const HOSTNAME_LABEL = "kubernetes.io/hostname";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export function systemDefaultConstraints(selector: LabelMatcher): SpreadConstraint[] {
  const base = { whenUnsatisfiable: "ScheduleAnyway", selector, minDomains: 1, honorNodeAffinity: true, honorNodeTaints: false };
  return [
    { ...base, topologyKey: HOSTNAME_LABEL, maxSkew: 3 },
    { ...base, topologyKey: ZONE_LABEL, maxSkew: 5 },
  ];
}

const hasAllKeys = (node: NodeInfo, constraints: SpreadConstraint[]): boolean => constraints.every((c) => node.labels[c.topologyKey] !== undefined);

/** MatchNodeInclusionPolicies: nodeAffinityPolicy Honor (default) and nodeTaintsPolicy Honor exclude nodes. */
function includes(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !matchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.honorNodeTaints && untoleratedTaint(node.taints, pod.tolerations)) return false;
  return true;
}

/**
 * Adds, per constraint, the pods of `pod`'s namespace matching its selector to the domain of
 * the node they are on, for the nodes `eligible` accepts (terminating pods do not count; an
 * empty selector counts nothing, as upstream's countPodsMatchSelector).
 */
function countMatching(
  pod: PodInfo,
  cache: SchedulerCache,
  constraints: SpreadConstraint[],
  counts: Map<string, number>[],
  eligible: (i: number, node: NodeInfo) => boolean,
): void {
  constraints.forEach((c, i) => {
    if (c.selector === matchEverything) return;
    const m = counts[i] as Map<string, number>;
    for (const [name, n] of cache.matchingPerNode(pod.namespace, c.selector)) {
      const node = cache.nodes.get(name);
      if (!node?.node || !eligible(i, node)) continue;
      const value = node.labels[c.topologyKey] ?? "";
      const current = m.get(value);
      if (current !== undefined) m.set(value, current + n);
    }
  });
}

export interface SpreadFilterState {
  constraints: SpreadConstraint[];
  counts: Map<string, number>[];
  minMatch: number[];
}

/** PreFilter over every node: the domains and their matching pod counts; undefined when the pod has no DoNotSchedule constraint. */
export function spreadPreFilter(pod: PodInfo, cache: SchedulerCache): SpreadFilterState | undefined {
  const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === "DoNotSchedule");
  if (constraints.length === 0) return undefined;
  const counts = constraints.map(() => new Map<string, number>());
  const eligibleNodes = constraints.map(() => new Set<string>());
  for (const node of cache.nodeList()) {
    if (!hasAllKeys(node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!includes(c, pod, node)) return;
      eligibleNodes[i]?.add(node.name);
      const value = node.labels[c.topologyKey] as string;
      const m = counts[i] as Map<string, number>;
      if (!m.has(value)) m.set(value, 0);
    });
  }
  countMatching(pod, cache, constraints, counts, (i, node) => eligibleNodes[i]?.has(node.name) === true);
  const minMatch = constraints.map((c, i) => {
    const m = counts[i] as Map<string, number>;
    if (m.size < c.minDomains) return 0;
    let min = Infinity;
    for (const v of m.values()) min = Math.min(min, v);
    return Number.isFinite(min) ? min : 0;
  });
  return { constraints, counts, minMatch };
}

export function spreadFilter(state: SpreadFilterState, pod: PodInfo, node: NodeInfo): NodeStatus | undefined {
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i] as SpreadConstraint;
    const value = node.labels[c.topologyKey];
    if (value === undefined) return unresolvable("PodTopologySpread", "node(s) didn't match pod topology spread constraints (missing required label)");
    const self = c.selector !== matchEverything && c.selector(pod.labels) ? 1 : 0;
    const matchNum = state.counts[i]?.get(value) ?? 0;
    if (matchNum + self - (state.minMatch[i] ?? 0) > c.maxSkew) {
      return unschedulable("PodTopologySpread", "node(s) didn't match pod topology spread constraints");
    }
  }
  return undefined;
}

/**
 * PreScore + Score + NormalizeScore over the feasible nodes: fewer matching pods in a node's
 * domains is better. Undefined when the plugin skips (no soft constraints, no default selector).
 */
export function spreadScores(pod: PodInfo, cache: SchedulerCache, feasible: NodeInfo[], defaultSelector: () => LabelMatcher | undefined): number[] | undefined {
  let constraints: SpreadConstraint[];
  let requireAll: boolean;
  if (pod.spreadConstraints.length > 0) {
    constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === "ScheduleAnyway");
    requireAll = true;
  } else {
    const selector = defaultSelector();
    constraints = selector ? systemDefaultConstraints(selector) : [];
    requireAll = false;
  }
  if (constraints.length === 0 || feasible.length === 0) return undefined;
  const counts = constraints.map(() => new Map<string, number>());
  const ignored = new Set<string>();
  const domains = constraints.map(() => 0);
  for (const node of feasible) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME_LABEL) return;
      const value = node.labels[c.topologyKey] ?? "";
      const m = counts[i] as Map<string, number>;
      if (!m.has(value)) {
        m.set(value, 0);
        domains[i] = (domains[i] ?? 0) + 1;
      }
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME_LABEL ? feasible.length - ignored.size : (domains[i] ?? 0)) + 2));
  // Hostname domains are counted per node below; the others over every node the pod may use.
  const domainWide = constraints.flatMap((c, i) => (c.topologyKey === HOSTNAME_LABEL ? [] : [i]));
  const everyNodeCounts = !requireAll && pod.nodeSelectorKeys.length === 0 && !pod.requiredNodeAffinity;
  for (const i of domainWide) {
    const c = constraints[i] as SpreadConstraint;
    const m = counts[i] as Map<string, number>;
    if (everyNodeCounts && !c.honorNodeTaints) {
      if (c.selector === matchEverything) continue;
      const sums = cache.matchingPerDomain(pod.namespace, c.selector, c.topologyKey);
      for (const value of m.keys()) m.set(value, sums.get(value) ?? 0);
    } else {
      countMatching(pod, cache, [c], [m], (_, node) => (!requireAll || hasAllKeys(node, constraints)) && includes(c, pod, node));
    }
  }
  const perNode = constraints.map((c) => (c.topologyKey === HOSTNAME_LABEL && c.selector !== matchEverything ? cache.matchingPerNode(pod.namespace, c.selector) : undefined));
  const raw = feasible.map((node) => {
    if (ignored.has(node.name)) return -1;
    let score = 0;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i] as SpreadConstraint;
      const value = node.labels[c.topologyKey];
      if (value === undefined) continue;
      const cnt = c.topologyKey !== HOSTNAME_LABEL ? (counts[i]?.get(value) ?? 0) : c.selector === matchEverything ? 0 : (perNode[i]?.get(node.name) ?? 0);
      score += cnt * (weights[i] ?? 0) + (c.maxSkew - 1);
    }
    return Math.round(score);
  });
  let min = Infinity;
  let max = 0;
  for (const s of raw) {
    if (s < 0) continue;
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  return raw.map((s) => {
    if (s < 0) return 0;
    if (max === 0) return 100;
    return Math.trunc((100 * (max + min - s)) / max);
  });
}
