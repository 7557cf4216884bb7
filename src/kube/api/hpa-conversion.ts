/**
 * HorizontalPodAutoscaler is stored as autoscaling/v2 and served as v1 too, converted as
 * pkg/apis/autoscaling/v1/conversion.go does: v1's targetCPUUtilizationPercentage is the CPU
 * Utilization metric; the v2 facts v1 cannot hold (other metrics, current metrics, conditions,
 * behavior) ride in the autoscaling.alpha.kubernetes.io/* annotations of the v1 object, in v1's
 * MetricSpec/MetricStatus shapes, and come back out of them when v1 writes. Objects written
 * through v1 get v2's defaults (pkg/apis/autoscaling/v2/defaults.go), as upstream's storage does.
 */
import type { StoredObject } from "./types.js";
import { child, isSet, rec, recs, str, type J } from "./object-fields.js";

export const METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
/** autoscaling.DefaultCPUUtilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** The object without its undefined members (Go's omitempty on pointers). */
function compact(o: J): J {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
const opt = (v: unknown): unknown => (isSet(v) ? v : undefined);

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, a CPU metric at 80%, full scaling rules. */
export function defaultHpaV2(o: StoredObject): void {
  const spec = child(o, "spec");
  spec.minReplicas ??= 1;
  if (recs(spec.metrics).length === 0) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isSet(spec.behavior)) {
    const behavior = rec(spec.behavior);
    spec.behavior = behavior;
    behavior.scaleUp = scalingRules(behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    });
    // Scale-down stabilization stays unset: the controller's flag decides it.
    behavior.scaleDown = scalingRules(behavior.scaleDown, { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] });
  }
}

function scalingRules(given: unknown, defaults: J): J {
  const rules: J = { ...defaults };
  for (const key of ["selectPolicy", "stabilizationWindowSeconds", "policies", "tolerance"]) {
    const v = rec(given)[key];
    if (isSet(v)) rules[key] = v;
  }
  return rules;
}

// --- metric shapes -----------------------------------------------------------------------

function metricSpecToV1(m: J): J {
  const type = str(m.type);
  switch (type) {
    case "Object": {
      const s = rec(m.object);
      const target = rec(s.target);
      return { type, object: compact({ target: s.describedObject, metricName: str(rec(s.metric).name), targetValue: opt(target.value), selector: opt(rec(s.metric).selector), averageValue: opt(target.averageValue) }) };
    }
    case "Pods": {
      const s = rec(m.pods);
      return { type, pods: compact({ metricName: str(rec(s.metric).name), targetAverageValue: opt(rec(s.target).averageValue), selector: opt(rec(s.metric).selector) }) };
    }
    case "Resource":
    case "ContainerResource": {
      const key = type === "Resource" ? "resource" : "containerResource";
      const s = rec(m[key]);
      const target = rec(s.target);
      return { type, [key]: compact({ name: s.name, container: opt(s.container), targetAverageUtilization: opt(target.averageUtilization), targetAverageValue: opt(target.averageValue) }) };
    }
    case "External": {
      const s = rec(m.external);
      const target = rec(s.target);
      return { type, external: compact({ metricName: str(rec(s.metric).name), metricSelector: opt(rec(s.metric).selector), targetValue: opt(target.value), targetAverageValue: opt(target.averageValue) }) };
    }
    default:
      return { ...m };
  }
}

function metricSpecFromV1(m: J): J {
  const type = str(m.type);
  switch (type) {
    case "Object": {
      const s = rec(m.object);
      const target = compact({ type: isSet(s.averageValue) ? "AverageValue" : "Value", value: opt(s.targetValue), averageValue: opt(s.averageValue) });
      return { type, object: compact({ describedObject: s.target, metric: compact({ name: str(s.metricName), selector: opt(s.selector) }), target }) };
    }
    case "Pods": {
      const s = rec(m.pods);
      return { type, pods: { metric: compact({ name: str(s.metricName), selector: opt(s.selector) }), target: compact({ type: "AverageValue", averageValue: opt(s.targetAverageValue) }) } };
    }
    case "Resource":
    case "ContainerResource": {
      const key = type === "Resource" ? "resource" : "containerResource";
      const s = rec(m[key]);
      const utilization = isSet(s.targetAverageUtilization);
      const target = compact({ type: utilization ? "Utilization" : "AverageValue", averageUtilization: opt(s.targetAverageUtilization), averageValue: opt(s.targetAverageValue) });
      return { type, [key]: compact({ name: s.name, container: opt(s.container), target }) };
    }
    case "External": {
      const s = rec(m.external);
      const target = compact({ type: isSet(s.targetAverageValue) ? "AverageValue" : "Value", value: opt(s.targetValue), averageValue: opt(s.targetAverageValue) });
      return { type, external: { metric: compact({ name: str(s.metricName), selector: opt(s.metricSelector) }), target } };
    }
    default:
      return { ...m };
  }
}

function metricStatusToV1(m: J): J {
  const type = str(m.type);
  switch (type) {
    case "Object": {
      const s = rec(m.object);
      const current = rec(s.current);
      return { type, object: compact({ target: s.describedObject, metricName: str(rec(s.metric).name), currentValue: opt(current.value), selector: opt(rec(s.metric).selector), averageValue: opt(current.averageValue) }) };
    }
    case "Pods": {
      const s = rec(m.pods);
      return { type, pods: compact({ metricName: str(rec(s.metric).name), currentAverageValue: opt(rec(s.current).averageValue), selector: opt(rec(s.metric).selector) }) };
    }
    case "Resource":
    case "ContainerResource": {
      const key = type === "Resource" ? "resource" : "containerResource";
      const s = rec(m[key]);
      const current = rec(s.current);
      return { type, [key]: compact({ name: s.name, container: opt(s.container), currentAverageUtilization: opt(current.averageUtilization), currentAverageValue: opt(current.averageValue) }) };
    }
    case "External": {
      const s = rec(m.external);
      const current = rec(s.current);
      return { type, external: compact({ metricName: str(rec(s.metric).name), metricSelector: opt(rec(s.metric).selector), currentValue: opt(current.value), currentAverageValue: opt(current.averageValue) }) };
    }
    default:
      return { ...m };
  }
}

function metricStatusFromV1(m: J): J {
  const type = str(m.type);
  switch (type) {
    case "Object": {
      const s = rec(m.object);
      return { type, object: compact({ describedObject: s.target, metric: compact({ name: str(s.metricName), selector: opt(s.selector) }), current: compact({ value: opt(s.currentValue), averageValue: opt(s.averageValue) }) }) };
    }
    case "Pods": {
      const s = rec(m.pods);
      return { type, pods: { metric: compact({ name: str(s.metricName), selector: opt(s.selector) }), current: compact({ averageValue: opt(s.currentAverageValue) }) } };
    }
    case "Resource":
    case "ContainerResource": {
      const key = type === "Resource" ? "resource" : "containerResource";
      const s = rec(m[key]);
      const current = compact({ averageUtilization: opt(s.currentAverageUtilization), averageValue: opt(s.currentAverageValue) });
      return { type, [key]: compact({ name: s.name, container: opt(s.container), current }) };
    }
    case "External": {
      const s = rec(m.external);
      return { type, external: { metric: compact({ name: str(s.metricName), selector: opt(s.metricSelector) }), current: compact({ value: opt(s.currentValue), averageValue: opt(s.currentAverageValue) }) } };
    }
    default:
      return { ...m };
  }
}

const isCpuUtilization = (m: J): boolean => {
  const r = rec(m.resource);
  return m.type === "Resource" && r.name === "cpu" && isSet(rec(r.target).averageUtilization);
};

function parseList(text: string | undefined): J[] | undefined {
  if (text === undefined) return undefined;
  try {
    return recs(JSON.parse(text));
  } catch {
    return undefined;
  }
}

// --- whole objects -----------------------------------------------------------------------

/** Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler, from the stored v2 object. */
export function hpaV2ToV1(stored: StoredObject): StoredObject {
  const o = structuredClone(stored);
  const spec = rec(o.spec);
  const status = rec(o.status);
  const metrics = recs(spec.metrics);
  const cpu = metrics.find((m) => m.type === "Resource" && rec(m.resource).name === "cpu");
  const others = metrics.filter((m) => !isCpuUtilization(m));
  const currentMetrics = recs(status.currentMetrics);
  const currentCpu = currentMetrics.find((m) => m.type === "Resource" && rec(m.resource).name === "cpu");
  const conditions = recs(status.conditions);

  const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV1));
  if (currentMetrics.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  if (isSet(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  if (Object.keys(annotations).length > 0) o.metadata.annotations = annotations;

  const cpuTarget = rec(rec(rec(cpu).resource).target).averageUtilization;
  o.apiVersion = "autoscaling/v1";
  o.spec = compact({ scaleTargetRef: spec.scaleTargetRef ?? {}, minReplicas: opt(spec.minReplicas), maxReplicas: spec.maxReplicas ?? 0, targetCPUUtilizationPercentage: opt(cpuTarget) });
  const currentCpuValue = rec(rec(rec(currentCpu).resource).current).averageUtilization;
  o.status = compact({
    observedGeneration: opt(status.observedGeneration),
    lastScaleTime: opt(status.lastScaleTime),
    currentReplicas: status.currentReplicas ?? 0,
    desiredReplicas: status.desiredReplicas ?? 0,
    currentCPUUtilizationPercentage: opt(currentCpuValue),
  });
  return o;
}

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, then v2 defaults: the object to store. */
export function hpaV1ToV2(v1: StoredObject): StoredObject {
  const o = structuredClone(v1);
  const spec = rec(o.spec);
  const status = rec(o.status);
  const annotations = { ...(o.metadata.annotations ?? {}) };

  const metrics: J[] = [];
  if (isSet(spec.targetCPUUtilizationPercentage)) {
    metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  metrics.push(...(parseList(annotations[METRICS_ANNOTATION]) ?? []).map(metricSpecFromV1));
  let behavior: unknown;
  if (annotations[BEHAVIOR_ANNOTATION] !== undefined) {
    try {
      behavior = JSON.parse(annotations[BEHAVIOR_ANNOTATION]) as unknown;
    } catch {
      behavior = undefined;
    }
  }
  let currentMetrics = parseList(annotations[CURRENT_METRICS_ANNOTATION])?.map(metricStatusFromV1);
  if (currentMetrics === undefined && isSet(status.currentCPUUtilizationPercentage)) {
    currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const conditions = parseList(annotations[CONDITIONS_ANNOTATION]);
  for (const key of [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION]) delete annotations[key];
  if (Object.keys(annotations).length > 0) o.metadata.annotations = annotations;
  else delete o.metadata.annotations;

  o.apiVersion = "autoscaling/v2";
  o.spec = compact({
    scaleTargetRef: spec.scaleTargetRef ?? {},
    minReplicas: opt(spec.minReplicas),
    maxReplicas: spec.maxReplicas ?? 0,
    metrics: metrics.length > 0 ? metrics : undefined,
    behavior: isSet(behavior) ? behavior : undefined,
  });
  o.status = compact({
    observedGeneration: opt(status.observedGeneration),
    lastScaleTime: opt(status.lastScaleTime),
    currentReplicas: isSet(status.currentReplicas) && status.currentReplicas !== 0 ? status.currentReplicas : undefined,
    desiredReplicas: status.desiredReplicas ?? 0,
    currentMetrics,
    conditions,
  });
  defaultHpaV2(o);
  return o;
}
