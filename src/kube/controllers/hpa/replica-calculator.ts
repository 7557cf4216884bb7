import { parseMilli } from "../../api/quantity-math.js";
import type { StoredObject } from "../../api/types.js";
import { rec, recs } from "../../quota/pod-resources.js";

/**
 * The HPA's replica calculator (pkg/controller/podautoscaler/replica_calculator.go) for resource
 * metrics: pods are grouped into ready, unready (pending, or CPU samples from their start-up),
 * missing (no metrics) and ignored (deleting or failed); missing and unready pods are filled in
 * conservatively so a scale never overshoots, and a change within the tolerance is no change.
 */

export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period and --…-initial-readiness-delay. */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
export const INITIAL_READINESS_DELAY_MS = 30_000;

/** One pod's metric value in milli-units, with the sample's time and window. */
export interface PodMetric {
  value: number;
  timestamp: number;
  windowMs: number;
}

export type PodMetrics = Map<string, PodMetric>;

export class MetricError extends Error {}

const ms = (t: unknown) => (typeof t === "string" ? Date.parse(t) : NaN);

/** groupPods. */
function groupPods(pods: StoredObject[], metrics: PodMetrics, resource: string, now: number) {
  let ready = 0;
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  for (const pod of pods) {
    const name = pod.metadata.name ?? "";
    const status = rec(pod.status);
    if (pod.metadata.deletionTimestamp || status.phase === "Failed") {
      ignored.add(name);
      continue;
    }
    if (status.phase === "Pending") {
      unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const condition = recs(status.conditions).find((c) => c.type === "Ready");
      const start = ms(status.startTime);
      let isUnready: boolean;
      if (!condition || Number.isNaN(start)) isUnready = true;
      else if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
        isUnready = condition.status === "False" || metric.timestamp < ms(condition.lastTransitionTime) + metric.windowMs;
      } else {
        isUnready = condition.status === "False" && start + INITIAL_READINESS_DELAY_MS > ms(condition.lastTransitionTime);
      }
      if (isUnready) {
        unready.add(name);
        continue;
      }
    }
    ready++;
  }
  return { ready, unready, missing, ignored };
}

/** calculateRequests: each pod's request for the resource (one container's, or all), in milli-units. */
function podRequests(pods: StoredObject[], container: string | undefined, resource: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let total = 0;
    for (const c of recs(rec(pod.spec).containers)) {
      if (container && c.name !== container) continue;
      const q = parseMilli(rec(rec(c.resources).requests)[resource]);
      if (!q) throw new MetricError(`missing request for ${resource} in container ${String(c.name ?? "")} of Pod ${pod.metadata.name ?? ""}`);
      total += Number(q.milli);
    }
    out.set(pod.metadata.name ?? "", total);
  }
  return out;
}

/** GetResourceUtilizationRatio. */
function utilizationRatio(metrics: PodMetrics, requests: Map<string, number>, target: number) {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new MetricError("no metrics returned matched known pods");
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, raw: Math.trunc(metricsTotal / entries) };
}

const within = (ratio: number, tolerance: number) => Math.abs(1 - ratio) <= tolerance;

/** The filled-in recount shared by both target kinds; returns the replicas. */
function adjusted(
  current: number,
  ratio: number,
  metrics: PodMetrics,
  groups: ReturnType<typeof groupPods>,
  fill: (name: string, scaleDown: boolean) => number,
  recompute: (m: PodMetrics) => number,
  tolerance: number,
): number {
  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    return within(ratio, tolerance) ? current : Math.ceil(ratio * groups.ready);
  }
  const filled: PodMetrics = new Map(metrics);
  for (const name of groups.missing) {
    if (ratio < 1) filled.set(name, { value: fill(name, true), timestamp: 0, windowMs: 0 });
    else if (ratio > 1) filled.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const name of groups.unready) filled.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  const next = recompute(filled);
  if (within(next, tolerance) || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return current;
  const replicas = Math.ceil(next * filled.size);
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return current;
  return replicas;
}

function usable(pods: StoredObject[], metrics: PodMetrics, resource: string, now: number) {
  if (pods.length === 0) throw new MetricError("no pods returned by selector while calculating replica count");
  const groups = groupPods(pods, metrics, resource, now);
  const kept: PodMetrics = new Map([...metrics].filter(([name]) => !groups.ignored.has(name) && !groups.unready.has(name)));
  if (kept.size === 0) throw new MetricError("did not receive metrics for targeted pods (pods might be unready)");
  return { groups, kept };
}

/** GetResourceReplicas: a target utilization (percent of request). */
export function resourceReplicas(args: {
  current: number;
  targetUtilization: number;
  resource: string;
  container?: string;
  pods: StoredObject[];
  metrics: PodMetrics;
  now: number;
  tolerance?: number;
}): { replicas: number; utilization: number; rawAverage: number } {
  const tolerance = args.tolerance ?? DEFAULT_TOLERANCE;
  const { groups, kept } = usable(args.pods, args.metrics, args.resource, args.now);
  const requests = podRequests(args.pods, args.container, args.resource);
  const first = utilizationRatio(kept, requests, args.targetUtilization);
  const replicas = adjusted(
    args.current,
    first.ratio,
    kept,
    groups,
    (name) => ((requests.get(name) ?? 0) * Math.max(100, args.targetUtilization)) / 100,
    (m) => utilizationRatio(m, requests, args.targetUtilization).ratio,
    tolerance,
  );
  return { replicas, utilization: first.utilization, rawAverage: first.raw };
}

/** GetRawResourceReplicas: a target average value (milli-units per pod). */
export function rawResourceReplicas(args: {
  current: number;
  targetAverage: number;
  resource: string;
  pods: StoredObject[];
  metrics: PodMetrics;
  now: number;
  tolerance?: number;
}): { replicas: number; average: number } {
  const tolerance = args.tolerance ?? DEFAULT_TOLERANCE;
  const { groups, kept } = usable(args.pods, args.metrics, args.resource, args.now);
  const ratioOf = (m: PodMetrics) => {
    let total = 0;
    for (const v of m.values()) total += v.value;
    return total / m.size / args.targetAverage;
  };
  const ratio = ratioOf(kept);
  let total = 0;
  for (const v of kept.values()) total += v.value;
  const replicas = adjusted(args.current, ratio, kept, groups, () => args.targetAverage, ratioOf, tolerance);
  return { replicas, average: Math.trunc(total / kept.size) };
}
