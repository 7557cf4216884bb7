import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import { validateDnsLabel } from "./names.js";
import {
  sameJson,
  ephemeralContainersOnCreate,
  ephemeralContainersUpdate,
  validateEphemeralContainers,
  validateEphemeralContainersUpdate,
} from "./pod-ephemeral-containers.js";
import { resizeUpdate, subresourceFieldsChanged, validatePodResize } from "./pod-resize.js";
import type { StoredObject } from "./types.js";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** Upstream pulls `:latest` (or untagged, undigested) images every time and others if not present. */
const defaultPullPolicy = (image: unknown): string => {
  const [ref = "", digest] = String(image ?? "").split("@");
  const tag = ref.includes(":") && !ref.slice(ref.lastIndexOf(":")).includes("/") ? ref.slice(ref.lastIndexOf(":") + 1) : "";
  return tag === "latest" || (!tag && !digest) ? "Always" : "IfNotPresent";
};

/** QoS class from requests and limits (Guaranteed, Burstable, BestEffort), as the pod status shows. */
function qosClass(containers: Json[]): string {
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const resources = obj(c.resources);
    const requests = obj(resources.requests);
    const limits = obj(resources.limits);
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ["cpu", "memory"]) {
      if (limits[r] === undefined || (requests[r] !== undefined && requests[r] !== limits[r])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function defaultContainers(containers: Json[]): void {
  for (const c of containers) {
    // A container that is not an object is left for validation to refuse.
    if (c === null || typeof c !== "object" || Array.isArray(c)) continue;
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
    c.imagePullPolicy ??= defaultPullPolicy(c.image);
    c.resources ??= {};
    for (const port of list(c.ports)) if (port !== null && typeof port === "object" && !Array.isArray(port)) port.protocol ??= "TCP";
  }
}

/**
 * SetDefaults_PodSpec and its containers' defaults: what every PodSpec gets, in a Pod or in a
 * workload's pod template (pod-only defaults such as enableServiceLinks stay with pods).
 */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.securityContext ??= {};
  defaultContainers(list(spec.containers));
  defaultContainers(list(spec.initContainers));
  defaultContainers(list(spec.ephemeralContainers));
}

/** The PodSpec checks minieks makes (containers and init containers), with paths under `prefix` (e.g. `spec.template.spec`). */
export function validatePodSpec(spec: Record<string, unknown>, prefix: string): FieldCause[] {
  return [
    ...validateContainers(spec.containers, `${prefix}.containers`, true),
    ...validateContainers(spec.initContainers, `${prefix}.initContainers`, false),
  ];
}

function validateContainers(containers: unknown, field: string, required: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const items = list(containers);
  if (required && items.length === 0) causes.push({ field, reason: "FieldValueRequired", message: "Required value" });
  const names = new Set<string>();
  items.forEach((c, i) => {
    const at = `${field}[${i}]`;
    if (!c.name) causes.push({ field: `${at}.name`, reason: "FieldValueRequired", message: "Required value" });
    else {
      causes.push(...validateDnsLabel(String(c.name), `${at}.name`));
      if (names.has(String(c.name))) causes.push({ field: `${at}.name`, reason: "FieldValueDuplicate", message: `Duplicate value: "${String(c.name)}"` });
      names.add(String(c.name));
    }
    if (!c.image) causes.push({ field: `${at}.image`, reason: "FieldValueRequired", message: "Required value" });
  });
  return causes;
}

/** Pods built by a pods/ephemeralcontainers or pods/resize write: validateUpdate applies that subresource's rules. */
const subresourceWrites = new WeakMap<StoredObject, "ephemeralcontainers" | "resize">();
/** Pods being created: validate() refuses ephemeral containers only then (ValidatePodCreate). */
const creating = new WeakSet<StoredObject>();

/** The pod a subresource write stores, defaulted, with metadata.generation bumped when its spec changed. */
function subresourcePod(subresource: "ephemeralcontainers" | "resize", pod: StoredObject, old: StoredObject): StoredObject {
  const next = subresource === "resize" ? resizeUpdate(pod, old) : ephemeralContainersUpdate(pod, old);
  const spec = obj(next.spec);
  defaultContainers(list(spec.ephemeralContainers));
  if (!sameJson(next.spec, old.spec)) next.metadata.generation = (old.metadata.generation ?? 1) + 1;
  subresourceWrites.set(next, subresource);
  return next;
}

const pods: Strategy = {
  /** pods/binding writes the pod as upstream's BindingREST does, straight through storage: no update defaulting, no generation bump. */
  prepareSubresourceUpdate: (subresource, pod, old) => {
    if (subresource === "binding") return pod;
    if (subresource === "ephemeralcontainers" || subresource === "resize") return subresourcePod(subresource, pod, old);
    return undefined;
  },
  prepareForCreate(pod) {
    creating.add(pod);
    const spec = obj(pod.spec);
    pod.spec = spec;
    defaultPodSpec(spec);
    spec.enableServiceLinks ??= true;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= "PreemptLowerPriority";
    pod.status = { phase: "Pending", qosClass: qosClass(list(spec.containers)) };
  },
  prepareForUpdate(pod, old) {
    // Most of a pod's spec is immutable; images and a few fields may change (validated upstream).
    const spec = obj(pod.spec);
    defaultContainers(list(spec.containers));
    defaultContainers(list(spec.initContainers));
    defaultContainers(list(spec.ephemeralContainers));
    if (!pod.status) pod.status = old.status;
  },
  validate(pod) {
    const spec = obj(pod.spec);
    const causes = validatePodSpec(spec, "spec");
    causes.push(...(creating.has(pod) ? ephemeralContainersOnCreate(spec) : validateEphemeralContainers(spec)));
    const policy = spec.restartPolicy;
    if (!["Always", "OnFailure", "Never"].includes(String(policy))) {
      causes.push({ field: "spec.restartPolicy", reason: "FieldValueNotSupported", message: `Unsupported value: "${String(policy)}": supported values: "Always", "OnFailure", "Never"` });
    }
    return causes;
  },
  validateUpdate(pod, old) {
    const subresource = subresourceWrites.get(pod);
    if (subresource === "ephemeralcontainers") return validateEphemeralContainersUpdate(pod, old);
    if (subresource === "resize") return validatePodResize(pod, old, (spec) => qosClass(list(spec.containers)));
    const changed = subresourceFieldsChanged(pod, old);
    if (changed.length > 0) return changed;
    const nodeBefore = obj(old.spec).nodeName;
    const nodeNow = obj(pod.spec).nodeName;
    if (nodeBefore && nodeBefore !== nodeNow) {
      return [{ field: "spec.nodeName", reason: "FieldValueForbidden", message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)" }];
    }
    return [];
  },
  /** Unscheduled and finished pods go at once; running ones wait for their kubelet. */
  gracefulDelete(pod, requested) {
    const spec = obj(pod.spec);
    const phase = obj(pod.status).phase;
    if (!spec.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
    return requested ?? Number(spec.terminationGracePeriodSeconds ?? 30);
  },
};

const namespaces: Strategy = {
  prepareForCreate(ns) {
    ns.spec = { finalizers: ["kubernetes"] };
    ns.status = { phase: "Active" };
    ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": ns.metadata.name ?? "" };
  },
  prepareForUpdate(ns, old) {
    ns.spec = old.spec;
    ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": ns.metadata.name ?? "" };
  },
  beginDelete(ns) {
    ns.status = { ...obj(ns.status), phase: "Terminating" };
  },
  blocksDeletion: (ns) => list(obj(ns.spec).finalizers).length > 0,
};

const services: Strategy = {
  prepareForCreate(svc) {
    const spec = obj(svc.spec);
    svc.spec = spec;
    spec.type ??= "ClusterIP";
    spec.sessionAffinity ??= "None";
    for (const port of list(spec.ports)) {
      port.protocol ??= "TCP";
      port.targetPort ??= port.port;
    }
    svc.status = { loadBalancer: {} };
  },
};

const lifecycle: Record<string, Strategy> = { pods, namespaces, services };

/**
 * Attaches the lifecycle rules of core kinds (defaults, graceful deletion, namespace
 * termination) to their descriptors, keeping any validation the descriptors already carry.
 */
export function withCoreLifecycle(descriptors: ResourceDescriptor[]): ResourceDescriptor[] {
  return descriptors.map((d) => {
    const extra = d.group === "" ? lifecycle[d.plural] : undefined;
    if (!extra) return d;
    const base = d.strategy;
    const merged: Strategy = { ...base, ...extra };
    if (base.validate && extra.validate) merged.validate = (o) => [...(base.validate?.(o) ?? []), ...(extra.validate?.(o) ?? [])];
    if (base.validateUpdate && extra.validateUpdate) {
      merged.validateUpdate = (o, old) => [...(base.validateUpdate?.(o, old) ?? []), ...(extra.validateUpdate?.(o, old) ?? [])];
    }
    return { ...d, strategy: merged };
  });
}
