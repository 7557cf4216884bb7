/**
 * pods/ephemeralcontainers as kube-apiserver serves it (pkg/registry/core/pod/strategy.go
 * podEphemeralContainersStrategy; pkg/apis/core/validation ValidatePodEphemeralContainersUpdate and
 * validateEphemeralContainers): a write through it changes spec.ephemeralContainers and nothing else,
 * containers may be added but never removed or changed, and an ephemeral container may not carry the
 * fields a workload relies on (ports, probes, resources, lifecycle …). Field paths and messages are
 * upstream's, so kubectl prints the same `The Pod "p" is invalid: …`.
 */
import { cloneJson } from "../../shared/json-clone.js";
import type { FieldCause } from "./descriptor.js";
import { validateDnsLabel } from "./names.js";
import type { StoredObject } from "./types.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);
const names = (v: unknown): string[] => recs(v).map((c) => String(c.name ?? ""));

/** JSON with object keys sorted: equal texts mean equal values (apiequality.Semantic.DeepEqual for API data). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Json)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * A short field-by-field difference of two objects, in the spirit of the cmp.Diff upstream appends to
 * "may not be changed" messages (`-` old, `+` new). Not byte-identical to Go's output, which prints Go structs.
 */
export function fieldDiff(before: unknown, after: unknown): string {
  const a = rec(before);
  const b = rec(after);
  const lines: string[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (sameJson(a[key], b[key])) continue;
    if (a[key] !== undefined) lines.push(`- \t${key}: ${canonicalJson(a[key])},`);
    if (b[key] !== undefined) lines.push(`+ \t${key}: ${canonicalJson(b[key])},`);
  }
  return lines.join("\n");
}

/**
 * The fields of EphemeralContainerCommon an ephemeral container may not set (allowedEphemeralContainerFields
 * false entries), in the Go struct's field order, which is the order upstream reports them in.
 */
const FORBIDDEN_FIELDS = ["ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"];
const FORBIDDEN_MESSAGE = "Forbidden: cannot be set for an Ephemeral Container";

/** Whether a field holds something other than its Go zero value (`resources: {}` is zero; `ports: []` is not). */
function isSet(field: string, value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (field === "resources") return Object.values(rec(value)).some((x) => x !== undefined && x !== null);
  return true;
}

/**
 * validateEphemeralContainers: names (DNS labels, unique across containers, initContainers and ephemeral
 * containers), images, targetContainerName, the forbidden fields and subPath mounts.
 */
export function validateEphemeralContainers(spec: Json, prefix = "spec"): FieldCause[] {
  const causes: FieldCause[] = [];
  const others = new Set([...names(spec.containers), ...names(spec.initContainers)]);
  const seen = new Set(others);
  recs(spec.ephemeralContainers).forEach((c, i) => {
    const at = `${prefix}.ephemeralContainers[${i}]`;
    const name = typeof c.name === "string" ? c.name : "";
    if (!name) causes.push({ field: `${at}.name`, reason: "FieldValueRequired", message: "Required value" });
    else {
      causes.push(...validateDnsLabel(name, `${at}.name`));
      if (seen.has(name)) causes.push({ field: `${at}.name`, reason: "FieldValueDuplicate", message: `Duplicate value: ${JSON.stringify(name)}` });
      seen.add(name);
    }
    if (!c.image) causes.push({ field: `${at}.image`, reason: "FieldValueRequired", message: "Required value" });
    const target = typeof c.targetContainerName === "string" ? c.targetContainerName : "";
    if (target && !others.has(target)) {
      causes.push({ field: `${at}.targetContainerName`, reason: "FieldValueNotFound", message: `Not found: ${JSON.stringify(target)}` });
    }
    for (const field of FORBIDDEN_FIELDS) {
      if (isSet(field, c[field])) causes.push({ field: `${at}.${field}`, reason: "FieldValueForbidden", message: FORBIDDEN_MESSAGE });
    }
    recs(c.volumeMounts).forEach((m, j) => {
      for (const field of ["subPath", "subPathExpr"]) {
        if (isSet(field, m[field])) causes.push({ field: `${at}.volumeMounts[${j}].${field}`, reason: "FieldValueForbidden", message: FORBIDDEN_MESSAGE });
      }
    });
  });
  return causes;
}

/** ValidatePodCreate: a pod is created without ephemeral containers; they come through the subresource. */
export function ephemeralContainersOnCreate(spec: Json): FieldCause[] {
  return Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0
    ? [{ field: "spec.ephemeralContainers", reason: "FieldValueForbidden", message: "Forbidden: cannot be set on create" }]
    : [];
}

/**
 * dropNonEphemeralContainerUpdates: the stored pod with only the request's spec.ephemeralContainers (and
 * generation, bumped when that changes the spec). Everything else in the body is ignored, as upstream
 * resets it to the stored values (labels and annotations included).
 */
export function ephemeralContainersUpdate(requested: StoredObject, current: StoredObject): StoredObject {
  const next = cloneJson(current);
  const wanted = rec(requested.spec).ephemeralContainers;
  const spec = rec(next.spec);
  if (wanted === undefined || wanted === null) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = cloneJson(wanted);
  next.spec = spec;
  next.metadata.managedFields = requested.metadata.managedFields;
  return next;
}

const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

/** The update-only part of ValidatePodEphemeralContainersUpdate (validate() supplies the spec checks). */
export function validateEphemeralContainersUpdate(pod: StoredObject, old: StoredObject): FieldCause[] {
  if (old.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
    return [{ field: "", reason: "FieldValueForbidden", message: "Forbidden: static pods do not support ephemeral containers" }];
  }
  const causes: FieldCause[] = [];
  const now = new Map(recs(rec(pod.spec).ephemeralContainers).map((c) => [String(c.name ?? ""), c]));
  for (const before of recs(rec(old.spec).ephemeralContainers)) {
    const name = String(before.name ?? "");
    const after = now.get(name);
    const field = "spec.ephemeralContainers";
    if (!after) {
      causes.push({ field, reason: "FieldValueForbidden", message: `Forbidden: existing ephemeral containers ${JSON.stringify(name)} may not be removed\n` });
    } else if (!sameJson(before, after)) {
      causes.push({ field, reason: "FieldValueForbidden", message: `Forbidden: existing ephemeral containers ${JSON.stringify(name)} may not be changed\n${fieldDiff(before, after)}` });
    }
  }
  return causes;
}
