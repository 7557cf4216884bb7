/**
 * autoscaling/v2 and autoscaling/v1 HorizontalPodAutoscaler: one stored object (v2, the storage
 * version) served in both versions through hpa-conversion.ts. Validation is
 * pkg/apis/autoscaling/validation run on the v2 form, so v1 requests see the same field paths as
 * upstream (which validates the internal, v2-shaped object). Printer: printers.go
 * printHorizontalPodAutoscaler with formatHPAMetrics.
 */
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { forbidden, invalid, notSupported, required } from "./field-errors.js";
import { defaultHpaV2, hpaV1ToV2, hpaV2ToV1 } from "./hpa-conversion.js";
import { ageOf, int, isSet, nameOf, rec, recs, str } from "./object-fields.js";
import { parseQuantity } from "./quantity.js";

const DOC = {
  reference: "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.",
  metrics:
    "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.",
  minReplicas:
    "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.",
  maxReplicas: "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.",
  currentReplicas: "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
} as const;

const METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const METRIC_TARGET_TYPES = ["AverageValue", "Utilization", "Value"];
const SOURCE_KEY: Record<string, string> = { Object: "object", Pods: "pods", Resource: "resource", ContainerResource: "containerResource", External: "external" };

/** printers.go formatHPAMetrics: at most two metrics, "current/target" each. */
export function formatHpaMetrics(specs: unknown, statuses: unknown): string {
  const list: string[] = [];
  const all = recs(specs);
  if (all.length === 0) return "<none>";
  const current = recs(statuses);
  all.forEach((spec, i) => {
    const status = current[i];
    const q = (v: unknown) => (isSet(v) ? String(v) : "<unknown>");
    switch (str(spec.type)) {
      case "External":
      case "Object": {
        const key = spec.type === "External" ? "external" : "object";
        const target = rec(rec(spec[key]).target);
        const cur = status ? rec(rec(status[key]).current) : undefined;
        if (isSet(target.averageValue)) list.push(`${q(cur?.averageValue)}/${String(target.averageValue)} (avg)`);
        else list.push(`${isSet(status?.[key]) ? q(cur?.value) : "<unknown>"}/${String(target.value ?? "0")}`);
        break;
      }
      case "Pods": {
        const cur = status ? rec(rec(status.pods).current) : undefined;
        list.push(`${q(cur?.averageValue)}/${String(rec(rec(spec.pods).target).averageValue ?? "0")}`);
        break;
      }
      case "Resource":
      case "ContainerResource": {
        const key = spec.type === "Resource" ? "resource" : "containerResource";
        const source = rec(spec[key]);
        const target = rec(source.target);
        const cur = status && isSet(status[key]) ? rec(rec(status[key]).current) : undefined;
        if (isSet(target.averageValue)) {
          list.push(`${str(source.name)}: ${q(cur?.averageValue)}/${String(target.averageValue)}`);
        } else {
          const currentText = isSet(cur?.averageUtilization) ? `${int(cur?.averageUtilization)}%` : "<unknown>";
          const targetText = isSet(target.averageUtilization) ? `${int(target.averageUtilization)}%` : "<auto>";
          list.push(`${str(source.name)}: ${currentText}/${targetText}`);
        }
        break;
      }
      default:
        list.push("<unknown type>");
    }
  });
  const max = 2;
  return list.length > max ? `${list.slice(0, max).join(", ")} + ${list.length - max} more...` : list.join(", ");
}

/** printers.go printHorizontalPodAutoscaler, on the v2 form. */
export function hpaCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const ref = rec(spec.scaleTargetRef);
  return [
    nameOf(o),
    `${str(ref.kind)}/${str(ref.name)}`,
    formatHpaMetrics(spec.metrics, rec(o.status).currentMetrics),
    isSet(spec.minReplicas) ? String(int(spec.minReplicas)) : "<unset>",
    int(spec.maxReplicas),
    int(rec(o.status).currentReplicas),
    ageOf(o, now),
  ];
}

/** validation.IsValidPathSegmentName. */
function pathSegmentErrors(value: string): string[] {
  if (value === "." || value === "..") return [`may not be '${value}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (value.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

function validateTarget(target: unknown, at: string): FieldCause[] {
  const t = rec(target);
  const causes: FieldCause[] = [];
  const type = str(t.type);
  if (!type) causes.push(required(`${at}.type`, "must specify a metric target type"));
  else if (!METRIC_TARGET_TYPES.includes(type)) causes.push(notSupported(`${at}.type`, type, METRIC_TARGET_TYPES));
  for (const key of ["value", "averageValue"]) {
    if (isSet(t[key]) && !((parseQuantity(t[key]) ?? 0) > 0)) causes.push(invalid(`${at}.${key}`, String(t[key]), "must be positive"));
  }
  if (isSet(t.averageUtilization) && int(t.averageUtilization) < 1) causes.push(invalid(`${at}.averageUtilization`, int(t.averageUtilization), "must be greater than 0"));
  return causes;
}

function validateMetric(m: Record<string, unknown>, at: string): FieldCause[] {
  const type = str(m.type);
  if (!type) return [required(`${at}.type`, "must specify a metric source type")];
  if (!METRIC_SOURCE_TYPES.includes(type)) return [notSupported(`${at}.type`, type, METRIC_SOURCE_TYPES)];
  const key = SOURCE_KEY[type] ?? "";
  if (!isSet(m[key])) return [required(`${at}.${key}`, "must populate information for the given metric source")];
  const populated = Object.values(SOURCE_KEY).filter((k) => k !== key && isSet(m[k]));
  const causes: FieldCause[] = populated.map((k) => forbidden(`${at}.${k}`, "must populate the given metric source only"));
  const source = rec(m[key]);
  const sat = `${at}.${key}`;
  if (type === "Resource" || type === "ContainerResource") {
    if (!str(source.name)) causes.push(required(`${sat}.name`, "must specify a resource name"));
    if (type === "ContainerResource" && !str(source.container)) causes.push(required(`${sat}.container`, "must specify a container"));
    const target = rec(source.target);
    causes.push(...validateTarget(target, `${sat}.target`));
    if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) {
      causes.push(required(`${sat}.target.averageUtilization`, "must set either a target raw value or a target utilization"));
    } else if (isSet(target.averageUtilization) && isSet(target.averageValue)) {
      causes.push(forbidden(`${sat}.target.averageValue`, "may not set both a target raw value and a target utilization"));
    }
  } else {
    if (!str(rec(source.metric).name)) causes.push(required(`${sat}.metric.name`, "must specify a metric name"));
    if (type === "Object") {
      const described = rec(source.describedObject);
      if (!str(described.kind)) causes.push(required(`${sat}.describedObject.kind`));
      if (!str(described.name)) causes.push(required(`${sat}.describedObject.name`));
    }
    causes.push(...validateTarget(source.target, `${sat}.target`));
  }
  return causes;
}

/** validateHorizontalPodAutoscalerSpec on the v2 form. */
export function validateHpaV2(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  if (isSet(spec.minReplicas) && int(spec.minReplicas) < 1) causes.push(invalid("spec.minReplicas", int(spec.minReplicas), "must be greater than or equal to 1"));
  const max = int(spec.maxReplicas);
  if (max < 1) causes.push(invalid("spec.maxReplicas", max, "must be greater than 0"));
  if (isSet(spec.minReplicas) && max < int(spec.minReplicas)) causes.push(invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  const ref = rec(spec.scaleTargetRef);
  for (const key of ["kind", "name"]) {
    const value = str(ref[key]);
    if (!value) causes.push(required(`spec.scaleTargetRef.${key}`));
    else causes.push(...pathSegmentErrors(value).map((msg) => invalid(`spec.scaleTargetRef.${key}`, value, msg)));
  }
  recs(spec.metrics).forEach((m, i) => causes.push(...validateMetric(m, `spec.metrics[${i}]`)));
  for (const direction of ["scaleUp", "scaleDown"]) {
    const rules = rec(rec(spec.behavior)[direction]);
    const window = rules.stabilizationWindowSeconds;
    if (isSet(window) && (int(window) < 0 || int(window) > 3600)) {
      causes.push(invalid(`spec.behavior.${direction}.stabilizationWindowSeconds`, int(window), int(window) < 0 ? "must be greater than or equal to zero" : "must be less than or equal to 3600"));
    }
    if (isSet(rules.selectPolicy) && !["Disabled", "Max", "Min"].includes(str(rules.selectPolicy))) {
      causes.push(notSupported(`spec.behavior.${direction}.selectPolicy`, str(rules.selectPolicy), ["Disabled", "Max", "Min"]));
    }
  }
  return causes;
}

const v2Strategy: Strategy = {
  prepareForCreate(o) {
    defaultHpaV2(o);
    o.status = { desiredReplicas: 0 };
  },
  prepareForUpdate: (o) => defaultHpaV2(o),
  validate: validateHpaV2,
};

/** v1 objects are validated in their stored (v2) form, as upstream validates the internal object. */
const v1Strategy: Strategy = {
  prepareForCreate(o) {
    rec(o.spec).minReplicas ??= 1;
    o.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  prepareForUpdate(o) {
    if (o.spec !== null && typeof o.spec === "object") rec(o.spec).minReplicas ??= 1;
  },
  validate: (o) => validateHpaV2(hpaV1ToV2(o)),
};

const hpa = (version: "v1" | "v2"): ResourceDescriptor => ({
  group: "autoscaling",
  version,
  kind: "HorizontalPodAutoscaler",
  plural: "horizontalpodautoscalers",
  singular: "horizontalpodautoscaler",
  namespaced: true,
  verbs: [...ALL_VERBS],
  shortNames: ["hpa"],
  categories: ["all"],
  subresources: ["status"],
  hasSpec: true,
  topLevelFields: ["spec", "status"],
  nameIsDnsLabel: false,
  columns: [
    nameCol(),
    col("Reference", DOC.reference),
    col("Targets", DOC.metrics),
    col("MinPods", DOC.minReplicas),
    col("MaxPods", DOC.maxReplicas),
    col("Replicas", DOC.currentReplicas),
    ageCol(),
  ],
  cells: version === "v2" ? hpaCells : (o, now) => hpaCells(hpaV1ToV2(o), now),
  fieldSelectors: {},
  strategy: version === "v2" ? v2Strategy : v1Strategy,
  ...(version === "v1" ? { storage: { group: "autoscaling", plural: "horizontalpodautoscalers", toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 } } : {}),
});

/** autoscaling/v2 first: discovery lists versions in this order and prefers the first. */
export const AUTOSCALING: ResourceDescriptor[] = [hpa("v2"), hpa("v1")];
