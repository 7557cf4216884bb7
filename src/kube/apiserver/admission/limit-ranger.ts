import { canonicalQuantity, formatMilli, parseResourceList, type Milli, type ResourceList } from "../../api/quantity-math.js";
import type { StoredObject } from "../../api/types.js";
import { containerRequirements, podLimits, podRequests, rec, recs } from "../../quota/pod-resources.js";
import type { ResourceStore } from "../registry/resource-store.js";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission.js";
import { admissionForbidden, aggregate } from "./forbidden.js";
import { NamespaceCache } from "./namespace-cache.js";

const ANNOTATION = "kubernetes.io/limit-ranger";

/** A LimitRange item with the API's defaults applied (SetDefaults_LimitRangeItem). */
interface Item {
  type: string;
  min: ResourceList;
  max: ResourceList;
  default: ResourceList;
  defaultRequest: ResourceList;
  maxLimitRequestRatio: ResourceList;
}

function itemsOf(limitRange: StoredObject): Item[] {
  return recs(rec(limitRange.spec).limits).map((raw) => {
    const item: Item = {
      type: String(raw.type ?? ""),
      min: parseResourceList(raw.min),
      max: parseResourceList(raw.max),
      default: parseResourceList(raw.default),
      defaultRequest: parseResourceList(raw.defaultRequest),
      maxLimitRequestRatio: parseResourceList(raw.maxLimitRequestRatio),
    };
    if (item.type === "Container") {
      // An unset default limit is the max; an unset default request the default limit, else the min.
      for (const [k, v] of item.max) if (!item.default.has(k)) item.default.set(k, v);
      for (const [k, v] of item.default) if (!item.defaultRequest.has(k)) item.defaultRequest.set(k, v);
      for (const [k, v] of item.min) if (!item.defaultRequest.has(k)) item.defaultRequest.set(k, v);
    }
    return item;
  });
}

const sorted = (list: ResourceList): [string, Milli][] => [...list.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const text = (q: Milli | undefined): string => (q ? formatMilli(q) : "0");

function minConstraint(type: string, name: string, enforced: Milli, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!req) return `minimum ${name} usage per ${type} is ${text(enforced)}.  No request is specified`;
  if (req.milli < enforced.milli) return `minimum ${name} usage per ${type} is ${text(enforced)}, but request is ${text(req)}`;
  if (lim && lim.milli < enforced.milli) return `minimum ${name} usage per ${type} is ${text(enforced)}, but limit is ${text(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Milli, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!lim) return `maximum ${name} usage per ${type} is ${text(enforced)}.  No limit is specified`;
  if (lim.milli > enforced.milli) return `maximum ${name} usage per ${type} is ${text(enforced)}, but limit is ${text(lim)}`;
  if (req && req.milli > enforced.milli) return `maximum ${name} usage per ${type} is ${text(enforced)}, but request is ${text(req)}`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: Milli, requests: ResourceList): string | undefined {
  const req = requests.get(name);
  if (!req) return `maximum ${name} usage per ${type} is ${text(enforced)}.  No request is specified`;
  if (req.milli > enforced.milli) return `maximum ${name} usage per ${type} is ${text(enforced)}, but request is ${text(req)}`;
  return undefined;
}

/** Go's %f: six decimals. */
function ratioConstraint(type: string, name: string, enforced: Milli, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const head = `${name} max limit to request ratio per ${type} is ${text(enforced)}`;
  if (!req || req.milli === 0n) return `${head}, but no request is specified or request is 0`;
  if (!lim || lim.milli === 0n) return `${head}, but no limit is specified or limit is 0`;
  const observed = Number(lim.milli) / Number(req.milli);
  if (observed * 1000 > Number(enforced.milli)) return `${head}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

function checkAll(item: Item, type: string, requests: ResourceList, limits: ResourceList, out: string[]): void {
  const push = (m: string | undefined) => m && out.push(m);
  for (const [k, v] of sorted(item.min)) push(minConstraint(type, k, v, requests, limits));
  for (const [k, v] of sorted(item.max)) push(maxConstraint(type, k, v, requests, limits));
  for (const [k, v] of sorted(item.maxLimitRequestRatio)) push(ratioConstraint(type, k, v, requests, limits));
}

/** PodValidateLimitFunc: each container against Container items, the pod's totals against Pod items. */
export function podViolations(items: Item[], pod: StoredObject): string[] {
  const out: string[] = [];
  const spec = rec(pod.spec);
  for (const item of items) {
    if (item.type === "Container") {
      for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
        const { requests, limits } = containerRequirements(c);
        checkAll(item, "Container", requests, limits, out);
      }
    } else if (item.type === "Pod") {
      checkAll(item, "Pod", podRequests(pod), podLimits(pod), out);
    }
  }
  return out;
}

function claimViolations(items: Item[], claim: StoredObject): string[] {
  const out: string[] = [];
  const requests = parseResourceList(rec(rec(claim.spec).resources).requests);
  for (const item of items) {
    if (item.type !== "PersistentVolumeClaim") continue;
    for (const [k, v] of sorted(item.min)) {
      const m = minConstraint("PersistentVolumeClaim", k, v, requests, new Map());
      if (m) out.push(m);
    }
    for (const [k, v] of sorted(item.max)) {
      const m = maxRequestConstraint("PersistentVolumeClaim", k, v, requests);
      if (m) out.push(m);
    }
  }
  return out;
}

/**
 * mergeContainerResources: fills each container's missing limits from `default` and missing
 * requests from `defaultRequest` (a limit the container sets stands for its request, as the pod
 * defaulting writes it), and says what it set in the kubernetes.io/limit-ranger annotation.
 */
function applyDefaults(pod: StoredObject, items: Item[]): void {
  const defaults = { limits: new Map<string, Milli>(), requests: new Map<string, Milli>() };
  for (const item of items) {
    if (item.type !== "Container") continue;
    for (const [k, v] of item.defaultRequest) defaults.requests.set(k, v);
    for (const [k, v] of item.default) defaults.limits.set(k, v);
  }
  if (defaults.limits.size === 0 && defaults.requests.size === 0) return;
  const notes: string[] = [];
  const spec = rec(pod.spec);
  const merge = (list: unknown, prefix: string) => {
    if (!Array.isArray(list)) return;
    for (const c of list as Record<string, unknown>[]) {
      if (!c || typeof c !== "object") continue;
      const resources = rec(c.resources);
      const limits = { ...rec(resources.limits) };
      const requests = { ...rec(resources.requests) };
      const setLimits: string[] = [];
      const setRequests: string[] = [];
      for (const [k, v] of defaults.limits) {
        if (limits[k] === undefined) {
          limits[k] = formatMilli(v);
          setLimits.push(k);
        }
      }
      for (const [k, v] of defaults.requests) {
        if (requests[k] !== undefined) continue;
        if (rec(resources.limits)[k] !== undefined) {
          requests[k] = canonicalQuantity(rec(resources.limits)[k]);
          continue;
        }
        requests[k] = formatMilli(v);
        setRequests.push(k);
      }
      if (setLimits.length === 0 && setRequests.length === 0) continue;
      c.resources = { ...resources, ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) };
      if (setRequests.length) notes.push(`${setRequests.sort().join(", ")} request for ${prefix} ${String(c.name ?? "")}`);
      if (setLimits.length) notes.push(`${setLimits.sort().join(", ")} limit for ${prefix} ${String(c.name ?? "")}`);
    }
  };
  merge(spec.initContainers, "init container");
  merge(spec.containers, "container");
  if (notes.length === 0) return;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [ANNOTATION]: `LimitRanger plugin set: ${notes.join("; ")}` };
}

/**
 * The LimitRanger admission plugin: defaults container requests and limits from the namespace's
 * LimitRanges on pod creation, then refuses pods and claims outside their min, max and
 * maxLimitRequestRatio with upstream's messages. Pod updates are left alone, as upstream does
 * (containers cannot be added or resized through them).
 */
export class LimitRanger {
  private readonly cache: NamespaceCache;

  constructor(store: () => ResourceStore | undefined) {
    this.cache = new NamespaceCache(store);
  }

  plugin(): AdmissionPlugin {
    return { name: "LimitRanger", admit: (a) => this.admit(a), validate: (a) => this.validate(a) };
  }

  close(): void {
    this.cache.close();
  }

  private handles(attrs: AdmissionAttributes): "pod" | "claim" | undefined {
    const { descriptor: d, subresource, object, operation, namespace } = attrs;
    if (d.group !== "" || subresource || !object || !namespace) return undefined;
    if (d.plural === "pods" && operation === "CREATE") return "pod";
    if (d.plural === "persistentvolumeclaims" && (operation === "CREATE" || operation === "UPDATE")) return "claim";
    return undefined;
  }

  private async admit(attrs: AdmissionAttributes): Promise<void> {
    if (this.handles(attrs) !== "pod") return;
    const ranges = await this.cache.list(attrs.namespace ?? "");
    for (const range of ranges) applyDefaults(attrs.object as StoredObject, itemsOf(range));
  }

  private async validate(attrs: AdmissionAttributes): Promise<void> {
    const kind = this.handles(attrs);
    if (!kind) return;
    // Each LimitRange is checked on its own; the first one violated answers (runLimitFunc).
    for (const range of await this.cache.list(attrs.namespace ?? "")) {
      const items = itemsOf(range);
      const messages = kind === "pod" ? podViolations(items, attrs.object as StoredObject) : claimViolations(items, attrs.object as StoredObject);
      if (messages.length) throw admissionForbidden(attrs, aggregate(messages));
    }
  }
}

export const limitRanger = (stores: { store(group: string, version: string, plural: string): ResourceStore | undefined }): LimitRanger =>
  new LimitRanger(() => stores.store("", "v1", "limitranges"));
