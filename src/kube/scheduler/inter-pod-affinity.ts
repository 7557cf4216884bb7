import type { SchedulerCache } from "./cache.js";
import type { NodeInfo } from "./node-info.js";
import { type AffinityTerm, type PodInfo, termMatches } from "./pod-info.js";
import type { Labels } from "./selectors.js";
import { type NodeStatus, unresolvable, unschedulable } from "./status.js";

/**
 * InterPodAffinity: required pod affinity and anti-affinity (the incoming pod's, and the
 * anti-affinity of pods already placed) as a filter, preferred terms (both ways) and existing
 * pods' required affinity (hardPodAffinityWeight 1) as a score. Counts are kept per topology
 * pair ("key\0value").
 */
export interface InterPodAffinityState {
  existingAntiAffinity: Map<string, number>;
  affinity: Map<string, number>;
  antiAffinity: Map<string, number>;
  selfMatchesAllAffinity: boolean;
}

const pair = (key: string, value: string): string => `${key}\u0000${value}`;
const bump = (m: Map<string, number>, k: string, by = 1): void => void m.set(k, (m.get(k) ?? 0) + by);

/** Pods placed in the namespaces the terms can select (all when a term selects namespaces by label). */
function candidatePods(cache: SchedulerCache, terms: AffinityTerm[]): Iterable<PodInfo> {
  if (terms.some((t) => t.namespaceSelector)) {
    const all: PodInfo[] = [];
    for (const ns of cache.podsByNamespace.values()) all.push(...ns.values());
    return all;
  }
  const namespaces = new Set<string>();
  for (const t of terms) for (const ns of t.namespaces) namespaces.add(ns);
  const out: PodInfo[] = [];
  for (const ns of namespaces) out.push(...(cache.podsByNamespace.get(ns)?.values() ?? []));
  return out;
}

const nodeOf = (cache: SchedulerCache, pod: PodInfo): NodeInfo | undefined => {
  const p = cache.placement(pod.key);
  const info = p ? cache.nodes.get(p.node) : undefined;
  return info?.node ? info : undefined;
};

/** PreFilter; undefined when there is nothing to check (no required terms anywhere). */
export function interPodAffinityPreFilter(pod: PodInfo, cache: SchedulerCache, nsLabels: (ns: string) => Labels): InterPodAffinityState | undefined {
  const state: InterPodAffinityState = { existingAntiAffinity: new Map(), affinity: new Map(), antiAffinity: new Map(), selfMatchesAllAffinity: false };
  let anyExisting = false;
  for (const existing of cache.affinityPods.values()) {
    if (existing.requiredAntiAffinity.length === 0) continue;
    anyExisting = true;
    const node = nodeOf(cache, existing);
    if (!node) continue;
    for (const term of existing.requiredAntiAffinity) {
      const value = node.labels[term.topologyKey];
      if (value !== undefined && termMatches(term, pod, nsLabels)) bump(state.existingAntiAffinity, pair(term.topologyKey, value));
    }
  }
  if (!anyExisting && pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0) return undefined;
  if (pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0) {
    for (const existing of candidatePods(cache, [...pod.requiredAffinity, ...pod.requiredAntiAffinity])) {
      const node = nodeOf(cache, existing);
      if (!node) continue;
      // An existing pod counts for affinity only if it matches every term.
      if (pod.requiredAffinity.length > 0 && pod.requiredAffinity.every((t) => termMatches(t, existing, nsLabels))) {
        for (const term of pod.requiredAffinity) {
          const value = node.labels[term.topologyKey];
          if (value !== undefined) bump(state.affinity, pair(term.topologyKey, value));
        }
      }
      for (const term of pod.requiredAntiAffinity) {
        const value = node.labels[term.topologyKey];
        if (value !== undefined && termMatches(term, existing, nsLabels)) bump(state.antiAffinity, pair(term.topologyKey, value));
      }
    }
  }
  state.selfMatchesAllAffinity = pod.requiredAffinity.every((t) => termMatches(t, pod, nsLabels));
  return state;
}

export function interPodAffinityFilter(state: InterPodAffinityState, pod: PodInfo, node: NodeInfo): NodeStatus | undefined {
  // satisfyPodAffinity: every term's topology label on the node, with a matching pod in that domain;
  // or no matching pod anywhere and the pod matches its own terms (the first of a group).
  let podsExist = true;
  for (const term of pod.requiredAffinity) {
    const value = node.labels[term.topologyKey];
    if (value === undefined) return unresolvable("InterPodAffinity", "node(s) didn't match pod affinity rules");
    if ((state.affinity.get(pair(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist && !(state.affinity.size === 0 && state.selfMatchesAllAffinity)) {
    return unresolvable("InterPodAffinity", "node(s) didn't match pod affinity rules");
  }
  if (state.antiAffinity.size > 0) {
    for (const term of pod.requiredAntiAffinity) {
      const value = node.labels[term.topologyKey];
      if (value !== undefined && (state.antiAffinity.get(pair(term.topologyKey, value)) ?? 0) > 0) {
        return unschedulable("InterPodAffinity", "node(s) didn't match pod anti-affinity rules");
      }
    }
  }
  if (state.existingAntiAffinity.size > 0) {
    for (const key in node.labels) {
      if ((state.existingAntiAffinity.get(pair(key, node.labels[key] as string)) ?? 0) > 0) {
        return unschedulable("InterPodAffinity", "node(s) didn't satisfy existing pods anti-affinity rules");
      }
    }
  }
  return undefined;
}

/**
 * PreScore + Score + NormalizeScore: raw scores per feasible node, min-max normalized to
 * 0..100; undefined when the plugin skips (no preferred terms and no pods with affinity).
 */
export function interPodAffinityScores(pod: PodInfo, cache: SchedulerCache, feasible: NodeInfo[], nsLabels: (ns: string) => Labels): number[] | undefined {
  const hasConstraints = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
  if (!hasConstraints && cache.affinityPods.size === 0) return undefined;
  const topologyScore = new Map<string, Map<string, number>>();
  const add = (term: AffinityTerm, weight: number, target: PodInfo, node: NodeInfo, multiplier: number) => {
    const value = node.labels[term.topologyKey];
    if (value === undefined || !termMatches(term, target, nsLabels)) return;
    let byValue = topologyScore.get(term.topologyKey);
    if (!byValue) topologyScore.set(term.topologyKey, (byValue = new Map()));
    byValue.set(value, (byValue.get(value) ?? 0) + weight * multiplier);
  };
  const existingPods: Iterable<PodInfo> = hasConstraints
    ? [...cache.podsByNamespace.values()].flatMap((m) => [...m.values()])
    : cache.affinityPods.values();
  for (const existing of existingPods) {
    const node = nodeOf(cache, existing);
    if (!node || Object.keys(node.labels).length === 0) continue;
    for (const t of pod.preferredAffinity) add(t, t.weight, existing, node, 1);
    for (const t of pod.preferredAntiAffinity) add(t, t.weight, existing, node, -1);
    for (const t of existing.requiredAffinity) add(t, 1, pod, node, 1);
    for (const t of existing.preferredAffinity) add(t, t.weight, pod, node, 1);
    for (const t of existing.preferredAntiAffinity) add(t, t.weight, pod, node, -1);
  }
  if (topologyScore.size === 0) return undefined;
  const raw = feasible.map((node) => {
    let score = 0;
    for (const [key, byValue] of topologyScore) {
      const value = node.labels[key];
      if (value !== undefined) score += byValue.get(value) ?? 0;
    }
    return score;
  });
  const min = Math.min(...raw);
  const diff = Math.max(...raw) - min;
  return raw.map((s) => (diff > 0 ? Math.trunc((100 * (s - min)) / diff) : 0));
}
