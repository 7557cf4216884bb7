import type { StoredObject } from "../../api/types.js";
import { sameJson } from "../../api/field-errors.js";
import { int, rec, recs } from "./controller-ref.js";

/** Pod facts controllers read (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils). */

export const podPhase = (pod: StoredObject): string => factsOf(pod).phase;

/** What controllers ask of a pod again and again, worked out once per pod version (objects from informers never change). */
interface PodFacts {
  phase: string;
  /** When the pod last turned Ready (ms; 0 when unknown), undefined while it is not Ready. */
  readySince: number | undefined;
}

const facts = new WeakMap<StoredObject, PodFacts>();

function factsOf(pod: StoredObject): PodFacts {
  let f = facts.get(pod);
  if (!f) {
    const ready = recs(rec(pod.status).conditions).find((c) => c.type === "Ready");
    let readySince: number | undefined;
    if (ready?.status === "True") {
      const t = typeof ready.lastTransitionTime === "string" ? Date.parse(ready.lastTransitionTime) : NaN;
      readySince = Number.isNaN(t) ? 0 : t;
    }
    f = { phase: String(rec(pod.status).phase ?? ""), readySince };
    facts.set(pod, f);
  }
  return f;
}

export const isPodReady = (pod: StoredObject): boolean => factsOf(pod).readySince !== undefined;

/** When the pod last turned Ready (ms), if it is Ready. */
export const readySince = (pod: StoredObject): number | undefined => factsOf(pod).readySince;

/**
 * Whether a pod update changed anything a replica-count controller reads (phase, readiness and
 * since when, labels, owners, deletion): other updates (a node name, an IP, container states)
 * cannot change what its sync does or reports.
 */
export function replicaFactsChanged(pod: StoredObject, old: StoredObject): boolean {
  const a = factsOf(pod);
  const b = factsOf(old);
  return (
    a.phase !== b.phase ||
    a.readySince !== b.readySince ||
    pod.metadata.deletionTimestamp !== old.metadata.deletionTimestamp ||
    !sameJson(pod.metadata.labels, old.metadata.labels) ||
    !sameJson(pod.metadata.ownerReferences, old.metadata.ownerReferences)
  );
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
