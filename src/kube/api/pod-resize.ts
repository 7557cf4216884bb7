/**
 * pods/resize, in-place pod vertical scaling (pkg/registry/core/pod/strategy.go podResizeStrategy;
 * pkg/apis/core/validation ValidatePodResize and validateContainerResize): a write through it changes
 * the cpu and memory of containers[*].resources (and of sidecars, restartable init containers) and their
 * resizePolicy, and nothing else. Messages and field paths are upstream's.
 */
import { cloneJson } from "../../shared/json-clone.js";
import type { FieldCause } from "./descriptor.js";
import { canonicalJson, fieldDiff, sameJson } from "./pod-ephemeral-containers.js";
import { parseQuantity } from "./quantity.js";
import type { StoredObject } from "./types.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);
const isSidecar = (c: Json): boolean => c.restartPolicy === "Always";

/**
 * dropNonResizeUpdates: the stored pod with each named container's resources and resizePolicy taken from the
 * request (containers are matched by name; a reordered or unknown container changes nothing here).
 */
export function resizeUpdate(requested: StoredObject, current: StoredObject): StoredObject {
  const next = cloneJson(current);
  const spec = rec(next.spec);
  const wanted = rec(requested.spec);
  for (const field of ["containers", "initContainers"] as const) {
    const byName = new Map(recs(wanted[field]).map((c) => [String(c.name ?? ""), c]));
    for (const c of recs(spec[field])) {
      if (field === "initContainers" && !isSidecar(c)) continue;
      const asked = byName.get(String(c.name ?? ""));
      if (!asked) continue;
      for (const key of ["resources", "resizePolicy"] as const) {
        if (asked[key] === undefined || asked[key] === null) delete c[key];
        else c[key] = cloneJson(asked[key]);
      }
    }
  }
  next.metadata.managedFields = requested.metadata.managedFields;
  return next;
}

const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

const forbidden = (field: string, detail: string): FieldCause => ({ field, reason: "FieldValueForbidden", message: `Forbidden: ${detail}` });

/** resourcesRemoved: a resource name the old list has is missing from the new one. */
function resourcesRemoved(now: unknown, before: unknown): boolean {
  const after = rec(now);
  return Object.keys(rec(before)).some((name) => !(name in after));
}

const compare = (a: unknown, b: unknown): number => {
  const x = parseQuantity(String(a));
  const y = parseQuantity(String(b));
  return x === undefined || y === undefined ? 0 : Math.sign(x - y);
};

/** validateContainerResize: requests and limits may not be removed; memory limits only go down with RestartContainer. */
function validateContainerResize(now: Json, before: Json, resizePolicy: unknown, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (resourcesRemoved(now.requests, before.requests)) causes.push(forbidden(`${field}.requests`, "resource requests cannot be removed"));
  if (resourcesRemoved(now.limits, before.limits)) causes.push(forbidden(`${field}.limits`, "resource limits cannot be removed"));
  const memoryPolicy = String(recs(resizePolicy).find((p) => p.resourceName === "memory")?.restartPolicy ?? "");
  if (memoryPolicy === "NotRequired" || memoryPolicy === "") {
    const newLimit = rec(now.limits).memory;
    const oldLimit = rec(before.limits).memory;
    if (newLimit !== undefined && oldLimit !== undefined) {
      if (compare(newLimit, oldLimit) < 0) causes.push(forbidden(`${field}.limits[memory]`, "memory limits cannot be decreased unless resizePolicy is RestartContainer"));
    } else if (newLimit !== undefined) {
      // Adding a memory limit lowers it from "max".
      causes.push(forbidden(`${field}.limits[memory]`, "memory limits cannot be added unless resizePolicy is RestartContainer"));
    }
  }
  return causes;
}

/** dropCPUMemoryResourcesFromContainer: the container with its cpu and memory put back to the old values. */
function withOldCpuMemory(c: Json, old: Json): Json {
  const munge = (now: unknown, before: unknown): Json | undefined => {
    if (before === undefined || before === null) return undefined;
    const out: Json = { ...rec(now) };
    delete out.cpu;
    delete out.memory;
    for (const name of ["cpu", "memory"]) if (rec(before)[name] !== undefined) out[name] = rec(before)[name];
    return out;
  };
  const resources = rec(c.resources);
  const oldResources = rec(old.resources);
  const limits = munge(resources.limits, oldResources.limits);
  const requests = munge(resources.requests, oldResources.requests);
  return { ...c, resources: { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) } };
}

/** Resources compare as maps: an absent map and an empty one are the same (omitempty). */
function normalizedContainer(c: Json): Json {
  const resources = rec(c.resources);
  const out: Json = { ...c, resources: {} };
  for (const key of ["limits", "requests"]) if (Object.keys(rec(resources[key])).length > 0) (out.resources as Json)[key] = resources[key];
  if (Array.isArray(resources.claims) && resources.claims.length > 0) (out.resources as Json).claims = resources.claims;
  return out;
}

/**
 * The update-only part of ValidatePodResize (validate() supplies the pod spec checks). `qosOf` is the
 * QoS class the pod's containers give (qos.ComputePodQOS).
 */
export function validatePodResize(pod: StoredObject, old: StoredObject, qosOf: (spec: Json) => string): FieldCause[] {
  const spec = rec(pod.spec);
  const oldSpec = rec(old.spec);
  const podLevel = (s: Json) => Object.keys(rec(rec(s.resources).requests)).length + Object.keys(rec(rec(s.resources).limits)).length > 0;
  if (podLevel(spec) || podLevel(oldSpec)) return [forbidden("", "pods with pod-level resources cannot be resized")];
  if (old.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return [forbidden("", "static pods cannot be resized")];
  if (rec(oldSpec.os).name === "windows") return [forbidden("", "windows pods cannot be resized")];

  const causes: FieldCause[] = [];
  const oldQos = String(rec(old.status).qosClass ?? qosOf(oldSpec));
  if (oldQos !== qosOf(spec)) {
    causes.push({
      field: "spec",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(String(rec(pod.status).qosClass ?? ""))}: Pod QOS Class may not change as a result of resizing`,
    });
  }
  // Every simulated node runs a kubelet with in-place resize, so "Pod running on node without support for resize" never applies.
  const newInit = recs(spec.initContainers);
  const newMain = recs(spec.containers);
  recs(oldSpec.initContainers).forEach((c, i) => {
    if (!isSidecar(c) || !newInit[i]) return;
    causes.push(...validateContainerResize(rec(newInit[i].resources), rec(c.resources), newInit[i].resizePolicy, `spec.initContainers[${i}].resources`));
  });
  recs(oldSpec.containers).forEach((c, i) => {
    if (!newMain[i]) return;
    causes.push(...validateContainerResize(rec(newMain[i].resources), rec(c.resources), newMain[i].resizePolicy, `spec.containers[${i}].resources`));
  });

  const oldMain = recs(oldSpec.containers);
  const mungedMain = newMain.map((c, i) => (oldMain[i] ? withOldCpuMemory(c, oldMain[i]) : c));
  if (mungedMain.some((c, i) => !sameJson(normalizedContainer(c), normalizedContainer(oldMain[i] ?? {})))) {
    causes.push(forbidden("spec", "only cpu and memory resources are mutable"));
  }
  const oldInit = recs(oldSpec.initContainers);
  newInit.forEach((c, i) => {
    const before = oldInit[i] ?? {};
    if (isSidecar(before)) {
      if (!sameJson(normalizedContainer(withOldCpuMemory(c, before)), normalizedContainer(before))) {
        causes.push(forbidden("spec", "only cpu and memory resources for sidecar containers are mutable"));
      }
    } else if (!sameJson(normalizedContainer(c), normalizedContainer(before))) {
      causes.push(forbidden("spec", "resources for non-sidecar init containers are immutable"));
    }
  });
  return causes;
}

/** The fields ValidatePodUpdate lets a plain pod update change (updatablePodSpecFields). */
const UPDATABLE_POD_SPEC_FIELDS =
  "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/**
 * What ValidatePodUpdate refuses of the fields the pod subresources own: a plain update may not change
 * spec.ephemeralContainers (pods/ephemeralcontainers) nor containers' resources or resizePolicy (pods/resize).
 */
export function subresourceFieldsChanged(pod: StoredObject, old: StoredObject): FieldCause[] {
  const spec = rec(pod.spec);
  const oldSpec = rec(old.spec);
  const pick = (s: Json) => ({
    ephemeralContainers: recs(s.ephemeralContainers),
    containers: recs(s.containers).map((c) => ({ name: c.name, resources: normalizedContainer(c).resources, resizePolicy: c.resizePolicy })),
    initContainers: recs(s.initContainers).map((c) => ({ name: c.name, resources: normalizedContainer(c).resources, resizePolicy: c.resizePolicy })),
  });
  const before = pick(oldSpec);
  const after = pick(spec);
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [forbidden("spec", `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}\n${fieldDiff(before, after)}`)];
}
