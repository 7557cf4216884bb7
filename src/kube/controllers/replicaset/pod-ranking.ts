import type { StoredObject } from "../../api/types.js";
import { createdAt } from "../common/controller-ref.js";
import { isPodReady, nodeNameOf, podPhase, readySince, restartCount } from "../common/pods.js";

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
/** The annotation users set to say which pods a scale-down should remove first (lower cost first). */
const DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

const deletionCost = (pod: StoredObject): number => {
  const raw = pod.metadata.annotations?.[DELETION_COST];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) ? n : 0;
};

/**
 * Upstream's ActivePodsWithRanks order (controller_utils.go): the pods a scale-down removes
 * first come first.
 *  1. unassigned before assigned
 *  2. Pending before Unknown before Running
 *  3. not ready before ready
 *  4. lower pod-deletion-cost before higher
 *  5. doubled up (more pods of the same owner(s) on the node) before not
 *  6. ready for a shorter time before longer (log2 buckets, as LogarithmicScaleDown)
 *  7. more container restarts before fewer
 *  8. newer before older
 */
export function podsToDelete(candidates: StoredObject[], related: StoredObject[], count: number, now: number): StoredObject[] {
  if (count >= candidates.length) return candidates;
  const onNode = new Map<string, number>();
  for (const pod of related) {
    const node = nodeNameOf(pod);
    if (node) onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const rank = (pod: StoredObject) => (nodeNameOf(pod) ? (onNode.get(nodeNameOf(pod)) ?? 0) : 0);
  const bucket = (since: number | undefined) => (since === undefined ? 0 : Math.floor(Math.log2(Math.max(1, now - since) / 1000 + 1)));
  const sorted = [...candidates].sort((a, b) => {
    const assignedA = nodeNameOf(a) ? 1 : 0;
    const assignedB = nodeNameOf(b) ? 1 : 0;
    if (assignedA !== assignedB) return assignedA - assignedB;
    const phaseA = PHASE_ORDER[podPhase(a)] ?? 0;
    const phaseB = PHASE_ORDER[podPhase(b)] ?? 0;
    if (phaseA !== phaseB) return phaseA - phaseB;
    const readyA = isPodReady(a) ? 1 : 0;
    const readyB = isPodReady(b) ? 1 : 0;
    if (readyA !== readyB) return readyA - readyB;
    const costA = deletionCost(a);
    const costB = deletionCost(b);
    if (costA !== costB) return costA - costB;
    const rankA = rank(a);
    const rankB = rank(b);
    if (rankA !== rankB) return rankB - rankA;
    if (readyA && readyB) {
      const ba = bucket(readySince(a));
      const bb = bucket(readySince(b));
      if (ba !== bb) return ba - bb;
    }
    const restartsA = restartCount(a);
    const restartsB = restartCount(b);
    if (restartsA !== restartsB) return restartsB - restartsA;
    return createdAt(b) - createdAt(a);
  });
  return sorted.slice(0, count);
}
