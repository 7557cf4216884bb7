/** Facts of kube-controller-manager's Job controller (pkg/controller/job): names, labels, conditions, indexes. */
import type { StoredObject } from "../../api/types.js";
import { rec, recs, type Json } from "../common/controller-ref.js";

export const TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
/** Back-off before recreating failed pods: 10 s doubling per failure, at most 6 minutes (DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff). */
export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_MAX_MS = 360_000;

export const jobSpec = (job: StoredObject): Json => rec(job.spec);
export const jobStatus = (job: StoredObject): Json => rec(job.status);

export const completionsOf = (job: StoredObject): number | undefined => {
  const v = jobSpec(job).completions;
  return typeof v === "number" ? v : undefined;
};

export const isIndexed = (job: StoredObject): boolean => jobSpec(job).completionMode === "Indexed";

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const jobConditions = (job: StoredObject): JobCondition[] => recs(jobStatus(job).conditions) as unknown as JobCondition[];

export const hasCondition = (job: StoredObject, type: string): boolean => jobConditions(job).some((c) => c.type === type && c.status === "True");

export const isFinished = (job: StoredObject): boolean => hasCondition(job, "Complete") || hasCondition(job, "Failed");

/** When the job finished (the Complete or Failed condition's transition), in ms. */
export function finishedAt(job: StoredObject): number | undefined {
  const c = jobConditions(job).find((x) => (x.type === "Complete" || x.type === "Failed") && x.status === "True");
  return c ? Date.parse(c.lastTransitionTime) : undefined;
}

/** Adds a condition, or updates the one of the same type (keeping its transition time when the status stays). */
export function withCondition(conditions: JobCondition[], type: string, status: string, reason: string, message: string, now: string): JobCondition[] {
  const existing = conditions.find((c) => c.type === type);
  if (existing && existing.status === status && existing.reason === reason && existing.message === message) return conditions;
  const next: JobCondition = {
    type,
    status,
    lastProbeTime: now,
    lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : now,
    reason,
    message,
  };
  return existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next];
}

/** The completion index a pod was created for (annotation, or the label), if valid. */
export function podIndex(pod: StoredObject): number | undefined {
  const raw = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** "1,3-5,7": the compressed form of status.completedIndexes. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export function parseIndexes(text: unknown): Set<number> {
  const out = new Set<number>();
  if (typeof text !== "string" || !text) return out;
  for (const part of text.split(",")) {
    const [a, b] = part.split("-").map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let i = a; i <= (b ?? a); i++) out.add(i);
  }
  return out;
}

/** The finish time of a pod: its containers' termination, else its Ready condition's last change. */
export function podFinishedAt(pod: StoredObject): number | undefined {
  let latest: number | undefined;
  for (const c of recs(rec(pod.status).containerStatuses)) {
    const t = rec(rec(rec(c).state).terminated).finishedAt;
    if (typeof t === "string") latest = Math.max(latest ?? 0, Date.parse(t));
  }
  if (latest !== undefined) return latest;
  const ready = recs(rec(pod.status).conditions).find((c) => c.type === "Ready");
  return typeof ready?.lastTransitionTime === "string" ? Date.parse(ready.lastTransitionTime) : undefined;
}
