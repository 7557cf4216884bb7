import type { NodeInfo } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";
import { type Toleration, toleratesAny } from "./selectors.js";

/**
 * The node-local score plugins of the default profile with upstream's integer arithmetic, each
 * 0..100 after its NormalizeScore, summed with their weights:
 *  - NodeResourcesFit, LeastAllocated over cpu and memory (weight 1), from non-zero requests;
 *  - NodeResourcesBalancedAllocation over cpu and memory (weight 1), from actual requests;
 *  - TaintToleration (weight 3): fewer untolerated PreferNoSchedule taints is better;
 *  - NodeAffinity (weight 2): the weights of the matching preferred terms.
 * Computed in one pass per node without allocations: this runs for hundreds of nodes per pod.
 */

export const MAX_NODE_SCORE = 100;
export const WEIGHTS = { NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, TaintToleration: 3, NodeAffinity: 2 } as const;

/** leastRequestedScore for one resource. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function leastAllocated(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastRequested(node.nonZeroCPU + pod.nonZeroCPU, node.allocCPU);
  const memory = leastRequested(node.nonZeroMemory + pod.nonZeroMemory, node.allocMemory);
  return Math.trunc((cpu + memory) / 2);
}

/** (1 − |cpu fraction − memory fraction| / 2) × 100, fractions capped at 1; resources a node lacks are left out. */
export function balancedAllocation(pod: PodInfo, node: NodeInfo): number {
  const cpuAlloc = node.allocCPU;
  const memAlloc = node.allocMemory;
  if (cpuAlloc === 0 || memAlloc === 0) return MAX_NODE_SCORE;
  const cpu = Math.min(1, (node.reqCPU + pod.cpu) / cpuAlloc);
  const memory = Math.min(1, (node.reqMemory + pod.memory) / memAlloc);
  return Math.trunc((1 - Math.abs((cpu - memory) / 2)) * MAX_NODE_SCORE);
}

function untoleratedPreferNoSchedule(node: NodeInfo, tolerations: Toleration[]): number {
  let count = 0;
  for (const taint of node.taints) if (taint.effect === "PreferNoSchedule" && !toleratesAny(tolerations, taint)) count++;
  return count;
}

function preferredAffinity(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  for (const p of pod.preferredNodeAffinity) if (p.weight !== 0 && p.match({ name: node.name, labels: node.labels })) sum += p.weight;
  return sum;
}

/** helper.DefaultNormalizeScore of one raw value, given the maximum over all nodes. */
function normalized(raw: number, max: number, reverse: boolean): number {
  if (max === 0) return reverse ? MAX_NODE_SCORE : 0;
  const scaled = Math.trunc((MAX_NODE_SCORE * raw) / max);
  return reverse ? MAX_NODE_SCORE - scaled : scaled;
}

/** The weighted sum of the node-local scores for every feasible node. */
export function nodeLocalScores(pod: PodInfo, nodes: NodeInfo[]): Float64Array {
  const n = nodes.length;
  const total = new Float64Array(n);
  const taints = new Float64Array(n);
  const affinity = pod.preferredNodeAffinity.length > 0 ? new Float64Array(n) : undefined;
  const tolerations = pod.tolerations.filter((t) => t.effect === "" || t.effect === "PreferNoSchedule");
  let maxTaints = 0;
  let maxAffinity = 0;
  for (let i = 0; i < n; i++) {
    const node = nodes[i] as NodeInfo;
    total[i] = leastAllocated(pod, node) * WEIGHTS.NodeResourcesFit + balancedAllocation(pod, node) * WEIGHTS.NodeResourcesBalancedAllocation;
    if (node.taints.length > 0) {
      const t = untoleratedPreferNoSchedule(node, tolerations);
      taints[i] = t;
      if (t > maxTaints) maxTaints = t;
    }
    if (affinity) {
      const a = preferredAffinity(pod, node);
      affinity[i] = a;
      if (a > maxAffinity) maxAffinity = a;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = (total[i] as number) + normalized(taints[i] as number, maxTaints, true) * WEIGHTS.TaintToleration;
    // NodeAffinity skips (scores nothing) for pods without preferred terms.
    if (affinity) s += normalized(affinity[i] as number, maxAffinity, false) * WEIGHTS.NodeAffinity;
    total[i] = s;
  }
  return total;
}
