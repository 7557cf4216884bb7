import type { StoredObject } from "../../api/types.js";
import { int, rec, recs } from "./controller-ref.js";

/** Pod facts controllers read (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils). */

export const podPhase = (pod: StoredObject): string => String(rec(pod.status).phase ?? "");

const readyCondition = (pod: StoredObject) => recs(rec(pod.status).conditions).find((c) => c.type === "Ready");

export const isPodReady = (pod: StoredObject): boolean => readyCondition(pod)?.status === "True";

/** When the pod last turned Ready (ms), if it is Ready. */
export function readySince(pod: StoredObject): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== "True") return undefined;
  const t = typeof c.lastTransitionTime === "string" ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: StoredObject, minReadySeconds: number, now: number): boolean {
  const since = readySince(pod);
  if (since === undefined) return false;
  return minReadySeconds === 0 || (since > 0 && since + minReadySeconds * 1000 <= now);
}

/** Neither finished nor being deleted (controller.IsPodActive). */
export const isPodActive = (pod: StoredObject): boolean => {
  const phase = podPhase(pod);
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
};

export const isPodTerminating = (pod: StoredObject): boolean => Boolean(pod.metadata.deletionTimestamp);

export const nodeNameOf = (pod: StoredObject): string => String(rec(pod.spec).nodeName ?? "");

export const restartCount = (pod: StoredObject): number =>
  recs(rec(pod.status).containerStatuses).reduce((max, c) => Math.max(max, int(c.restartCount)), 0);

/** When a ready pod becomes available, if it is not yet (for the requeue after minReadySeconds). */
export function availableAt(pod: StoredObject, minReadySeconds: number): number | undefined {
  const since = readySince(pod);
  if (since === undefined || minReadySeconds === 0) return undefined;
  return since + minReadySeconds * 1000;
}
