/**
 * Strategies of the further core/v1 kinds: defaults (pkg/apis/core/v1/defaults.go), status
 * cleared on create (pkg/registry/core/<kind>/strategy.go) and the validation users meet most
 * (pkg/apis/core/validation), with upstream's field paths and messages.
 */
import { isIP } from "node:net";
import type { FieldCause, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { defaultPodSpec, validatePodSpec } from "./core-lifecycle.js";
import { duplicate, forbidden, GoLiteral, invalid, nonNegative, notSupported, required } from "./field-errors.js";
import { child, rec, recs, str, strs, type J } from "./object-fields.js";
import { parseQuantity, quantityDecodeError } from "./quantity.js";
import { goQuote } from "../../shared/go-format.js";
import { errors } from "../apiserver/status.js";

export const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"];
const VOLUME_MODES = ["Block", "Filesystem"];
/** Every PersistentVolumeSource field; a PV names exactly one. */
const PV_SOURCES = [
  "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs", "fc",
  "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
  "scaleIO", "local", "storageos", "csi",
];
/** helper.standardQuotaResources. */
const STANDARD_QUOTA_RESOURCES = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas",
  "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
]);
/** Quota resources counted in whole objects (helper.IsIntegerResourceName). */
const INTEGER_QUOTA_RESOURCES = new Set(["pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"]);
const QUOTA_SCOPES = ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"];

/** Go's %#v of a map[string]string, as field errors print label maps. */
export function goStringMap(m: unknown): GoLiteral {
  if (m === undefined || m === null) return new GoLiteral("map[string]string(nil)");
  const r = rec(m);
  const body = Object.keys(r)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(str(r[k]))}`)
    .join(", ");
  return new GoLiteral(`map[string]string{${body}}`);
}

/** validation.IsValidPortNum. */
export const portNumberErrors = (port: unknown, field: string): FieldCause[] =>
  typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [invalid(field, port ?? 0, "must be between 1 and 65535, inclusive")];

/** validation.IsValidIP, as field errors word it. */
export const ipErrors = (ip: string, field: string): FieldCause[] =>
  isIP(ip) ? [] : [invalid(field, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];

/** Quantities in a resource map must parse; a value that does not is a 400 decode error upstream. */
export function requireQuantities(kind: string, maps: unknown[]): void {
  for (const m of maps) {
    for (const v of Object.values(rec(m))) if (parseQuantity(v) === undefined) throw errors.badRequest(quantityDecodeError(kind, "v1"));
  }
}

// --- Endpoints ---------------------------------------------------------------------------

export const endpointsStrategy: Strategy = {
  prepareForCreate: defaultEndpoints,
  prepareForUpdate: (o) => defaultEndpoints(o),
  validate(o) {
    const causes: FieldCause[] = [];
    recs(o.subsets).forEach((subset, i) => {
      const at = `subsets[${i}]`;
      for (const list of ["addresses", "notReadyAddresses"]) {
        recs(subset[list]).forEach((a, j) => {
          const ip = str(a.ip);
          if (!ip) causes.push(required(`${at}.${list}[${j}].ip`));
          else causes.push(...ipErrors(ip, `${at}.${list}[${j}].ip`));
        });
      }
      const ports = recs(subset.ports);
      ports.forEach((p, j) => {
        if (ports.length > 1 && !str(p.name)) causes.push(required(`${at}.ports[${j}].name`));
        causes.push(...portNumberErrors(p.port, `${at}.ports[${j}].port`));
        if (!PROTOCOLS.includes(str(p.protocol))) causes.push(notSupported(`${at}.ports[${j}].protocol`, str(p.protocol), PROTOCOLS));
      });
    });
    return causes;
  },
};

function defaultEndpoints(o: StoredObject): void {
  for (const subset of recs(o.subsets)) for (const p of recs(subset.ports)) p.protocol ??= "TCP";
}

// --- LimitRange --------------------------------------------------------------------------

export const limitRangeStrategy: Strategy = {
  prepareForCreate: (o) => requireLimitQuantities(o),
  prepareForUpdate: (o) => requireLimitQuantities(o),
  validate(o) {
    const causes: FieldCause[] = [];
    const seen = new Set<string>();
    recs(rec(o.spec).limits).forEach((limit, i) => {
      const at = `spec.limits[${i}]`;
      const type = str(limit.type);
      if (seen.has(type)) causes.push(duplicate(`${at}.type`, type));
      seen.add(type);
      if (type === "Pod") {
        if (Object.keys(rec(limit.default)).length > 0) causes.push(forbidden(`${at}.default`, "may not be specified when `type` is 'Pod'"));
        if (Object.keys(rec(limit.defaultRequest)).length > 0) causes.push(forbidden(`${at}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
      }
      const min = rec(limit.min);
      const max = rec(limit.max);
      const defaults = rec(limit.default);
      const defaultRequest = rec(limit.defaultRequest);
      for (const [k, v] of Object.entries(min)) {
        const lo = parseQuantity(v) ?? 0;
        if (k in max && lo > (parseQuantity(max[k]) ?? 0)) {
          causes.push(invalid(`${at}.min[${k}]`, str(v), `min value ${str(v)} is greater than max value ${str(max[k])}`));
        }
        if (k in defaultRequest && lo > (parseQuantity(defaultRequest[k]) ?? 0)) {
          causes.push(invalid(`${at}.defaultRequest[${k}]`, str(defaultRequest[k]), `min value ${str(v)} is greater than default request value ${str(defaultRequest[k])}`));
        }
        if (k in defaults && lo > (parseQuantity(defaults[k]) ?? 0)) {
          causes.push(invalid(`${at}.default[${k}]`, str(v), `min value ${str(v)} is greater than default value ${str(defaults[k])}`));
        }
      }
      for (const [k, v] of Object.entries(defaultRequest)) {
        if (k in max && (parseQuantity(v) ?? 0) > (parseQuantity(max[k]) ?? 0)) {
          causes.push(invalid(`${at}.defaultRequest[${k}]`, str(v), `default request value ${str(v)} is greater than max value ${str(max[k])}`));
        }
      }
      for (const [k, v] of Object.entries(defaults)) {
        if (k in max && (parseQuantity(v) ?? 0) > (parseQuantity(max[k]) ?? 0)) {
          causes.push(invalid(`${at}.default[${k}]`, str(v), `default value ${str(v)} is greater than max value ${str(max[k])}`));
        }
      }
    });
    return causes;
  },
};

function requireLimitQuantities(o: StoredObject): void {
  for (const limit of recs(rec(o.spec).limits)) {
    requireQuantities("LimitRange", [limit.max, limit.min, limit.default, limit.defaultRequest, limit.maxLimitRequestRatio]);
  }
}

// --- PersistentVolumeClaim / PersistentVolume --------------------------------------------

function validateAccessModes(modes: unknown, field: string): FieldCause[] {
  const list = strs(modes);
  if (list.length === 0) return [required(field, "at least 1 access mode is required")];
  const causes = list.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(field, m, ACCESS_MODES));
  if (list.includes("ReadWriteOncePod") && list.length > 1) causes.push(forbidden(field, "may not use ReadWriteOncePod with other access modes"));
  return causes;
}

function validateVolumeMode(mode: unknown, field: string): FieldCause[] {
  return mode === undefined || mode === null || VOLUME_MODES.includes(str(mode)) ? [] : [notSupported(field, str(mode), VOLUME_MODES)];
}

export const persistentVolumeClaimStrategy: Strategy = {
  prepareForCreate(o) {
    const spec = child(o, "spec");
    spec.volumeMode ??= "Filesystem";
    requireQuantities("PersistentVolumeClaim", [rec(spec.resources).requests, rec(spec.resources).limits]);
    o.status = { phase: "Pending" };
  },
  prepareForUpdate(o) {
    const spec = child(o, "spec");
    spec.volumeMode ??= "Filesystem";
    requireQuantities("PersistentVolumeClaim", [rec(spec.resources).requests, rec(spec.resources).limits]);
  },
  validate(o) {
    const spec = rec(o.spec);
    const causes = validateAccessModes(spec.accessModes, "spec.accessModes");
    const storage = rec(rec(spec.resources).requests).storage;
    if (storage === undefined) causes.push(required("spec.resources[storage]"));
    else if ((parseQuantity(storage) ?? 0) <= 0) causes.push(invalid("spec.resources[storage]", String(storage), "must be greater than zero"));
    causes.push(...validateVolumeMode(spec.volumeMode, "spec.volumeMode"));
    return causes;
  },
  validateUpdate(o, old) {
    // ValidatePersistentVolumeClaimUpdate: once bound, only resources.requests (and a few fields) may change.
    const spec = { ...rec(o.spec) };
    const oldSpec = { ...rec(old.spec) };
    for (const s of [spec, oldSpec]) {
      delete s.resources;
      delete s.volumeAttributesClassName;
    }
    // The volume binder sets volumeName (and a class may be set) on claims that had none.
    if (!str(oldSpec.volumeName)) {
      delete spec.volumeName;
      delete oldSpec.volumeName;
    }
    if (oldSpec.storageClassName === undefined || oldSpec.storageClassName === null) delete spec.storageClassName;
    if (JSON.stringify(spec) === JSON.stringify(oldSpec)) return [];
    return [forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims")];
  },
};

export const persistentVolumeStrategy: Strategy = {
  prepareForCreate(o) {
    const spec = child(o, "spec");
    spec.persistentVolumeReclaimPolicy ??= "Retain";
    spec.volumeMode ??= "Filesystem";
    requireQuantities("PersistentVolume", [spec.capacity]);
    // The registry set creationTimestamp just before; upstream stamps the phase with the same clock.
    o.status = { phase: "Pending", lastPhaseTransitionTime: o.metadata.creationTimestamp };
  },
  prepareForUpdate(o) {
    const spec = child(o, "spec");
    spec.persistentVolumeReclaimPolicy ??= "Retain";
    spec.volumeMode ??= "Filesystem";
    requireQuantities("PersistentVolume", [spec.capacity]);
  },
  validate(o) {
    const spec = rec(o.spec);
    const causes = validateAccessModes(spec.accessModes, "spec.accessModes");
    const capacity = rec(spec.capacity);
    if (Object.keys(capacity).length === 0) causes.push(required("spec.capacity"));
    else if (capacity.storage === undefined) causes.push(notSupported("spec.capacity", Object.keys(capacity)[0] ?? "", ["storage"]));
    else if ((parseQuantity(capacity.storage) ?? 0) <= 0) causes.push(invalid("spec.capacity[storage]", String(capacity.storage), "must be greater than zero"));
    const reclaim = str(spec.persistentVolumeReclaimPolicy);
    if (!RECLAIM_POLICIES.includes(reclaim)) causes.push(notSupported("spec.persistentVolumeReclaimPolicy", reclaim, RECLAIM_POLICIES));
    const sources = PV_SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
    if (sources.length === 0) causes.push(required("spec", "must specify a volume type"));
    for (const extra of sources.slice(1)) causes.push(forbidden(`spec.${extra}`, "may not specify more than 1 volume type"));
    if (spec.hostPath !== undefined && !str(rec(spec.hostPath).path)) causes.push(required("spec.hostPath.path"));
    causes.push(...validateVolumeMode(spec.volumeMode, "spec.volumeMode"));
    return causes;
  },
};

// --- PodTemplate -------------------------------------------------------------------------

export const podTemplateStrategy: Strategy = {
  prepareForCreate: (o) => defaultPodSpec(child(child(o, "template"), "spec")),
  prepareForUpdate: (o) => defaultPodSpec(child(child(o, "template"), "spec")),
  validate: (o) => validatePodSpec(rec(rec(o.template).spec), "template.spec"),
};

// --- ReplicationController ---------------------------------------------------------------

/** SetDefaults_ReplicationController: the selector and labels default to the template's labels. */
function defaultReplicationController(o: StoredObject): void {
  const spec = child(o, "spec");
  const template = rec(spec.template);
  // Only string labels: a template whose labels do not decode is refused by validation, not copied.
  const templateLabels = Object.fromEntries(Object.entries(rec(rec(template.metadata).labels)).filter(([, v]) => typeof v === "string"));
  if (spec.template !== undefined && spec.template !== null) {
    if (Object.keys(rec(spec.selector)).length === 0 && Object.keys(templateLabels).length > 0) spec.selector = { ...templateLabels };
    if (Object.keys(o.metadata.labels ?? {}).length === 0 && Object.keys(templateLabels).length > 0) o.metadata.labels = { ...templateLabels } as Record<string, string>;
    defaultPodSpec(child(child(spec, "template"), "spec"));
  }
  spec.replicas ??= 1;
  spec.minReadySeconds ??= 0;
}

export const replicationControllerStrategy: Strategy = {
  prepareForCreate(o) {
    defaultReplicationController(o);
    o.status = { replicas: 0 };
  },
  prepareForUpdate: (o) => defaultReplicationController(o),
  validate(o) {
    const spec = rec(o.spec);
    const causes: FieldCause[] = [];
    if (typeof spec.replicas === "number") causes.push(...nonNegative("spec.replicas", spec.replicas));
    if (typeof spec.minReadySeconds === "number") causes.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
    const selector = rec(spec.selector);
    if (Object.keys(selector).length === 0) causes.push(required("spec.selector"));
    if (spec.template === undefined || spec.template === null) {
      causes.push(required("spec.template"));
      return causes;
    }
    const template = rec(spec.template);
    const rawLabels = rec(template.metadata).labels;
    const labels = rec(rawLabels);
    if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      causes.push(invalid("spec.template.metadata.labels", goStringMap(rawLabels), "selector does not match labels in spec.template"));
    }
    const podSpec = rec(template.spec);
    causes.push(...validatePodSpec(podSpec, "spec.template.spec"));
    if (str(podSpec.restartPolicy) !== "Always") causes.push(notSupported("spec.template.spec.restartPolicy", str(podSpec.restartPolicy), ["Always"]));
    if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
      causes.push(forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicationController is not Supported"));
    }
    return causes;
  },
};

// --- ResourceQuota -----------------------------------------------------------------------

function validateQuotaResources(m: unknown, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [name, value] of Object.entries(rec(m))) {
    const field = `${at}[${name}]`;
    if (!name.includes("/") && !STANDARD_QUOTA_RESOURCES.has(name) && !name.startsWith("requests.hugepages-") && !name.startsWith("hugepages-")) {
      causes.push(invalid(field, name, "must be a standard resource for quota"));
    }
    const q = parseQuantity(value) ?? 0;
    if (q < 0) causes.push(invalid(field, String(value), "must be greater than or equal to 0"));
    else if (INTEGER_QUOTA_RESOURCES.has(name) && !Number.isInteger(q)) causes.push(invalid(field, String(value), "must be an integer"));
  }
  return causes;
}

export const resourceQuotaStrategy: Strategy = {
  prepareForCreate(o) {
    requireQuantities("ResourceQuota", [rec(o.spec).hard]);
    // The resource quota controller fills status.hard and status.used.
    o.status = {};
  },
  prepareForUpdate: (o) => requireQuantities("ResourceQuota", [rec(o.spec).hard]),
  validate(o) {
    const spec = rec(o.spec);
    const causes = validateQuotaResources(spec.hard, "spec.hard");
    for (const scope of strs(spec.scopes)) {
      if (!QUOTA_SCOPES.includes(scope)) causes.push(notSupported("spec.scopes", scope, QUOTA_SCOPES));
    }
    recs(rec(spec.scopeSelector).matchExpressions).forEach((e, i) => {
      const scope = str(e.scopeName);
      if (!QUOTA_SCOPES.includes(scope)) causes.push(notSupported(`spec.scopeSelector.matchExpressions[${i}].scopeName`, scope, QUOTA_SCOPES));
    });
    causes.push(...validateQuotaResources(rec(o.status).hard, "status.hard"), ...validateQuotaResources(rec(o.status).used, "status.used"));
    return causes;
  },
};

/** A resource map's keys, sorted as helper.SortableResourceNames does. */
export const sortedResourceNames = (m: J): string[] => Object.keys(m).sort();
