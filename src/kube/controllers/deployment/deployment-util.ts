/**
 * Facts of kube-controller-manager's deployment controller (pkg/controller/deployment/util):
 * revisions and annotations, maxSurge/maxUnavailable, replica counts over ReplicaSets, status
 * and conditions, and when a rollout is complete, progressing or timed out.
 */
import type { StoredObject } from "../../api/types.js";
import { canonicalJson, int, rec, recs, type Json } from "../common/controller-ref.js";
import { resolveFenceposts } from "../common/int-or-percent.js";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const POD_TEMPLATE_HASH = "pod-template-hash";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const ROLLBACK_TO = "deprecated.deployment.rollback.to";
/** Annotations a Deployment does not copy to its ReplicaSets (annotationsToSkip). */
const SKIPPED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);
/** Upstream keeps the revision-history annotation under this many characters. */
const MAX_REV_HISTORY_CHARS = 2000;
const MAX_INT32 = 2147483647;

export const specOf = (o: StoredObject): Json => rec(o.spec);
export const statusOf = (o: StoredObject): Json => rec(o.status);
export const replicasOf = (o: StoredObject | undefined): number => (o ? int(specOf(o).replicas, 1) : 0);

export const revisionOf = (rs: StoredObject): number => {
  const n = Number(rs.metadata.annotations?.[REVISION] ?? "");
  return Number.isInteger(n) ? n : 0;
};

export const maxRevision = (sets: StoredObject[]): number => sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);

export const isRollingUpdate = (d: StoredObject): boolean => rec(specOf(d).strategy).type === "RollingUpdate";

function fenceposts(d: StoredObject): { surge: number; unavailable: number } {
  const rolling = rec(rec(specOf(d).strategy).rollingUpdate);
  return resolveFenceposts(rolling.maxSurge, rolling.maxUnavailable, replicasOf(d));
}

export const maxSurge = (d: StoredObject): number => (isRollingUpdate(d) ? fenceposts(d).surge : 0);

export function maxUnavailable(d: StoredObject): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** The pod template without the pod-template-hash label: what makes two templates "the same" (EqualIgnoreHash). */
export function templateKey(template: unknown): string {
  const t = structuredClone(rec(template));
  const meta = rec(t.metadata);
  const labels = { ...rec(meta.labels) };
  delete labels[POD_TEMPLATE_HASH];
  t.metadata = { ...meta, labels };
  if (Object.keys(labels).length === 0) delete (t.metadata as Json).labels;
  if (Object.keys(t.metadata as Json).length === 0) delete t.metadata;
  return canonicalJson(t);
}

export const sumReplicas = (sets: StoredObject[]): number => sets.reduce((n, rs) => n + replicasOf(rs), 0);
export const sumStatus = (sets: StoredObject[], field: string): number => sets.reduce((n, rs) => n + int(statusOf(rs)[field]), 0);
export const activeSets = (sets: StoredObject[]): StoredObject[] => sets.filter((rs) => replicasOf(rs) > 0);

/**
 * Copies the Deployment's annotations to the ReplicaSet, sets its revision (keeping the old one in
 * revision-history) and, for a new ReplicaSet, desired/max replicas. Returns true if anything changed.
 */
export function setNewReplicaSetAnnotations(d: StoredObject, rs: StoredObject, newRevision: number, exists: boolean): boolean {
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = annotations[REVISION];
  const oldRevision = Number(old ?? 0) || 0;
  if (oldRevision < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (old) {
      const history = annotations[REVISION_HISTORY] ? annotations[REVISION_HISTORY].split(",") : [];
      history.push(old);
      while (history.join(",").length > MAX_REV_HISTORY_CHARS && history.length > 1) history.shift();
      annotations[REVISION_HISTORY] = history.join(",");
    }
  }
  rs.metadata.annotations = annotations;
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: StoredObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

export function setReplicasAnnotations(rs: StoredObject, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(max) };
  return true;
}

const annotationInt = (rs: StoredObject, key: string): number | undefined => {
  const raw = rs.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : undefined;
};

export const desiredReplicasAnnotation = (rs: StoredObject): number | undefined => annotationInt(rs, DESIRED_REPLICAS);

/** How many replicas of the surplus (or deficit) `rs` gets, in proportion to its size (GetProportion). */
export function proportion(rs: StoredObject, d: StoredObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicasOf(d) === 0) fraction = -replicasOf(rs);
  else {
    const deploymentReplicas = replicasOf(d) + maxSurge(d);
    const annotated = annotationInt(rs, MAX_REPLICAS) ?? int(statusOf(d).replicas);
    // Go's integer.RoundToInt32 rounds half away from zero.
    const exact = (replicasOf(rs) * deploymentReplicas) / annotated;
    fraction = Math.sign(exact) * Math.round(Math.abs(exact)) - replicasOf(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The replicas a new ReplicaSet should have now (NewRSNewReplicas). */
export function newRSNewReplicas(d: StoredObject, all: StoredObject[], newRS: StoredObject): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = sumReplicas(all);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** Saturated: the new ReplicaSet has all replicas, all available (IsSaturated). */
export function isSaturated(d: StoredObject, rs: StoredObject | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  return replicasOf(rs) === replicasOf(d) && desired === replicasOf(d) && int(statusOf(rs).availableReplicas) === replicasOf(d);
}

// ---- conditions and status ----

export interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const conditionsOf = (status: Json): Condition[] => recs(status.conditions) as unknown as Condition[];
export const getCondition = (status: Json, type: string): Condition | undefined => conditionsOf(status).find((c) => c.type === type);

export function newCondition(type: string, status: string, reason: string, message: string, now: string): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: same status and reason keep the old condition; same status keeps its transition time. */
export function setCondition(status: Json, condition: Condition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  if (current && current.status === condition.status) condition.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...conditionsOf(status).filter((c) => c.type !== condition.type), condition];
}

export function removeCondition(status: Json, type: string): void {
  status.conditions = conditionsOf(status).filter((c) => c.type !== type);
}

export const hasProgressDeadline = (d: StoredObject): boolean => {
  const v = specOf(d).progressDeadlineSeconds;
  return typeof v === "number" && v !== MAX_INT32;
};

export const NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
export const TIMED_OUT = "ProgressDeadlineExceeded";

export function deploymentComplete(d: StoredObject, status: Json): boolean {
  const r = replicasOf(d);
  return int(status.updatedReplicas) === r && int(status.replicas) === r && int(status.availableReplicas) === r && int(status.observedGeneration) >= int(d.metadata.generation);
}

export function deploymentProgressing(d: StoredObject, status: Json): boolean {
  const old = statusOf(d);
  const oldOld = int(old.replicas) - int(old.updatedReplicas);
  const newOld = int(status.replicas) - int(status.updatedReplicas);
  return (
    int(status.updatedReplicas) > int(old.updatedReplicas) ||
    newOld < oldOld ||
    int(status.readyReplicas) > int(old.readyReplicas) ||
    int(status.availableReplicas) > int(old.availableReplicas)
  );
}

export function deploymentTimedOut(d: StoredObject, status: Json, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(status, "Progressing");
  if (!condition) return false;
  if (condition.reason === NEW_RS_AVAILABLE) return false;
  if (condition.reason === TIMED_OUT) return true;
  return Date.parse(condition.lastUpdateTime) + int(specOf(d).progressDeadlineSeconds) * 1000 < now;
}

/** calculateStatus: counts over the ReplicaSets and the Available condition. */
export function calculateStatus(all: StoredObject[], newRS: StoredObject | undefined, d: StoredObject, now: string): Json {
  const available = sumStatus(all, "availableReplicas");
  const total = sumReplicas(all);
  const status: Json = {
    observedGeneration: d.metadata.generation,
    replicas: sumStatus(all, "replicas"),
    updatedReplicas: newRS ? int(statusOf(newRS).replicas) : 0,
    readyReplicas: sumStatus(all, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: statusOf(d).collisionCount,
    conditions: structuredClone(conditionsOf(statusOf(d))),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now));
  } else {
    setCondition(status, newCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now));
  }
  return status;
}
