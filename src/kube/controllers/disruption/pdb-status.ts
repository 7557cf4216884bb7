/**
 * The arithmetic of a PodDisruptionBudget's status (pkg/controller/disruption and
 * pkg/apis/policy/helper): how many pods are expected and must stay healthy, how many are, and
 * the DisruptionAllowed condition.
 */
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { rec, recs, type Json } from "../common/controller-ref.js";
import { isPodReady } from "../common/pods.js";

/** How long an eviction's entry in disruptedPods waits for the pod to be deleted (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** intstr.GetScaledValueFromIntOrPercent with rounding up. */
export function scaledValue(value: unknown, total: number): number {
  if (typeof value === "number") return value;
  const percent = Number(String(value).replace(/%$/, ""));
  return Math.ceil((percent * total) / 100);
}

/** Healthy pods: ready, not being deleted and not just evicted (countHealthyPods). */
export function countHealthy(pods: StoredObject[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name ?? ""];
    if (at && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * buildDisruptedPodMap: entries of pods still there and not yet deleted, within the deletion
 * timeout; `expired` lists the pods that outlived it, `recheckAt` when the next one would.
 */
export function pruneDisrupted(pods: StoredObject[], disrupted: Record<string, string>, now: number): { kept: Record<string, string>; expired: StoredObject[]; recheckAt?: number } {
  const kept: Record<string, string> = {};
  const expired: StoredObject[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata.name ?? "";
    const at = disrupted[name];
    if (!at || pod.metadata.deletionTimestamp) continue;
    const deadline = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (deadline < now) {
      expired.push(pod);
      continue;
    }
    kept[name] = at;
    recheckAt = recheckAt === undefined ? deadline : Math.min(recheckAt, deadline);
  }
  return { kept, expired, recheckAt };
}

/** apimeta.SetStatusCondition for the DisruptionAllowed condition: the transition time moves only when the status does. */
export function disruptionCondition(previous: Json[], status: "True" | "False", reason: string, message: string, generation: number, now: Date): Json[] {
  const old = previous.find((c) => c.type === "DisruptionAllowed");
  const condition: Json = {
    type: "DisruptionAllowed",
    status,
    observedGeneration: generation,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : kubeTime(now),
    reason,
    message,
  };
  return [...previous.filter((c) => c.type !== "DisruptionAllowed"), condition];
}

/** updatePdbStatus: the status for these counts (nothing may be disrupted while no pods are expected). */
export function pdbStatus(pdb: StoredObject, counts: { currentHealthy: number; desiredHealthy: number; expectedPods: number }, disruptedPods: Record<string, string>, now: Date): Json {
  const generation = Number(pdb.metadata.generation ?? 0);
  const allowed = counts.expectedPods <= 0 ? 0 : Math.max(0, counts.currentHealthy - counts.desiredHealthy);
  const previous = recs(rec(pdb.status).conditions);
  const status: Json = {
    observedGeneration: generation,
    disruptionsAllowed: allowed,
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedPods,
    conditions: disruptionCondition(previous, allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", "", generation, now),
  };
  if (Object.keys(disruptedPods).length > 0) status.disruptedPods = disruptedPods;
  return status;
}
