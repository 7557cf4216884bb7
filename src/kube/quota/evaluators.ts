import { addLists, parseMilli, type Milli, type ResourceList } from "../api/quantity-math.js";
import type { StoredObject } from "../api/types.js";
import { isBestEffort, podLimits, podRequests, rec, recs } from "./pod-resources.js";

/**
 * Quota evaluators (pkg/quota/v1/evaluator/core and generic): what one object uses of each quota
 * resource name, which names an evaluator tracks, and which quota scopes an object falls in.
 * Shared by the ResourceQuota admission plugin and the resource quota controller.
 */

export interface Target {
  group: string;
  plural: string;
}

const one = (): Milli => ({ milli: 1000n, binary: false });

/** count/<resource>[.<group>]: the object-count name of any resource. */
export const countName = (t: Target): string => (t.group ? `count/${t.plural}.${t.group}` : `count/${t.plural}`);

/** Object counts that predate count/<resource> (legacyObjectCountAliases). */
const LEGACY_COUNTS: Record<string, string> = {
  configmaps: "configmaps",
  secrets: "secrets",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
};

const POD_COMPUTE = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "count/pods",
]);
const isPodResource = (name: string) => POD_COMPUTE.has(name) || name.startsWith("requests.hugepages-");
const SERVICE_RESOURCES = new Set(["services", "services.loadbalancers", "services.nodeports", "count/services"]);
const isClaimResource = (name: string) =>
  name === "persistentvolumeclaims" || name === "requests.storage" || name === "count/persistentvolumeclaims" ||
  /\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/.test(name);

const isCore = (t: Target, plural: string) => t.group === "" && t.plural === plural;

/** MatchingResources: the names among `names` this resource's evaluator tracks. */
export function matchingResources(t: Target, names: Iterable<string>): string[] {
  const all = [...names];
  if (isCore(t, "pods")) return all.filter(isPodResource);
  if (isCore(t, "services")) return all.filter((n) => SERVICE_RESOURCES.has(n));
  if (isCore(t, "persistentvolumeclaims")) return all.filter(isClaimResource);
  const legacy = t.group === "" ? LEGACY_COUNTS[t.plural] : undefined;
  return all.filter((n) => n === countName(t) || n === legacy);
}

/** Which writes an evaluator charges: pods and other counted objects on create; services and claims on updates too. */
export function handlesOperation(t: Target, operation: string): boolean {
  if (operation === "CREATE") return true;
  return operation === "UPDATE" && (isCore(t, "services") || isCore(t, "persistentvolumeclaims"));
}

/** QuotaV1Pod: pods that finished, or whose graceful deletion has run out, use no compute. */
export function podIsCharged(pod: StoredObject, now: Date): boolean {
  const phase = rec(pod.status).phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  const deletion = pod.metadata.deletionTimestamp;
  if (deletion) {
    const grace = (pod.metadata.deletionGracePeriodSeconds as number | undefined) ?? 0;
    if (now.getTime() > Date.parse(deletion) + grace * 1000) return false;
  }
  return true;
}

function podUsage(pod: StoredObject, now: Date): ResourceList {
  const out: ResourceList = new Map([["count/pods", one()]]);
  if (!podIsCharged(pod, now)) return out;
  out.set("pods", one());
  const requests = podRequests(pod);
  const limits = podLimits(pod);
  for (const r of ["cpu", "memory", "ephemeral-storage"]) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [k, v] of requests) if (k.startsWith("hugepages-")) out.set(`requests.${k}`, v);
  return out;
}

function serviceUsage(svc: StoredObject): ResourceList {
  const spec = rec(svc.spec);
  const ports = recs(spec.ports);
  const out: ResourceList = new Map([["count/services", one()], ["services", one()]]);
  const count = (n: number): Milli => ({ milli: BigInt(n) * 1000n, binary: false });
  if (spec.type === "NodePort") out.set("services.nodeports", count(ports.length));
  if (spec.type === "LoadBalancer") {
    out.set("services.loadbalancers", one());
    const explicitOnly = spec.allocateLoadBalancerNodePorts === false;
    out.set("services.nodeports", count(explicitOnly ? ports.filter((p) => p.nodePort).length : ports.length));
  }
  return out;
}

function claimUsage(claim: StoredObject): ResourceList {
  const spec = rec(claim.spec);
  const out: ResourceList = new Map([["count/persistentvolumeclaims", one()], ["persistentvolumeclaims", one()]]);
  const storage = parseMilli(rec(rec(spec.resources).requests).storage);
  const className = typeof spec.storageClassName === "string" ? spec.storageClassName : "";
  if (className) out.set(`${className}.storageclass.storage.k8s.io/persistentvolumeclaims`, one());
  if (storage) {
    out.set("requests.storage", storage);
    if (className) out.set(`${className}.storageclass.storage.k8s.io/requests.storage`, storage);
  }
  return out;
}

/** Usage: what one object uses. */
export function usageOf(t: Target, obj: StoredObject, now: Date): ResourceList {
  if (isCore(t, "pods")) return podUsage(obj, now);
  if (isCore(t, "services")) return serviceUsage(obj);
  if (isCore(t, "persistentvolumeclaims")) return claimUsage(obj);
  const out: ResourceList = new Map([[countName(t), one()]]);
  const legacy = t.group === "" ? LEGACY_COUNTS[t.plural] : undefined;
  if (legacy) out.set(legacy, one());
  return out;
}

/** Sum of usage over objects, starting from zero for each of `names` (UsageStats), masked to `names`. */
export function usageStats(t: Target, objects: StoredObject[], names: string[], now: Date): ResourceList {
  let total: ResourceList = new Map(names.map((n) => [n, { milli: 0n, binary: false }]));
  for (const obj of objects) total = addLists(total, usageOf(t, obj, now));
  return new Map([...total].filter(([k]) => names.includes(k)));
}

interface ScopeSelector {
  scopeName: string;
  operator: string;
  values: string[];
}

/** getScopeSelectorsFromQuota: spec.scopes as Exists selectors, then spec.scopeSelector's expressions. */
export function scopeSelectorsOf(quota: StoredObject): ScopeSelector[] {
  const spec = rec(quota.spec);
  const out: ScopeSelector[] = [];
  for (const s of Array.isArray(spec.scopes) ? spec.scopes : []) out.push({ scopeName: String(s), operator: "Exists", values: [] });
  for (const e of recs(rec(spec.scopeSelector).matchExpressions)) {
    out.push({ scopeName: String(e.scopeName ?? ""), operator: String(e.operator ?? ""), values: Array.isArray(e.values) ? e.values.map(String) : [] });
  }
  return out;
}

function crossNamespaceAffinity(pod: StoredObject): boolean {
  const affinity = rec(rec(pod.spec).affinity);
  for (const kind of ["podAffinity", "podAntiAffinity"]) {
    const a = rec(affinity[kind]);
    const terms = [
      ...recs(a.requiredDuringSchedulingIgnoredDuringExecution),
      ...recs(a.preferredDuringSchedulingIgnoredDuringExecution).map((w) => rec(w.podAffinityTerm)),
    ];
    if (terms.some((t) => (Array.isArray(t.namespaces) && t.namespaces.length > 0) || (t.namespaceSelector !== undefined && t.namespaceSelector !== null))) return true;
  }
  return false;
}

function podMatchesScope(pod: StoredObject, s: ScopeSelector): boolean {
  const spec = rec(pod.spec);
  const terminating = typeof spec.activeDeadlineSeconds === "number" && spec.activeDeadlineSeconds >= 0;
  switch (s.scopeName) {
    case "Terminating":
      return terminating;
    case "NotTerminating":
      return !terminating;
    case "BestEffort":
      return isBestEffort(pod);
    case "NotBestEffort":
      return !isBestEffort(pod);
    case "CrossNamespacePodAffinity":
      return crossNamespaceAffinity(pod);
    case "PriorityClass": {
      const name = typeof spec.priorityClassName === "string" ? spec.priorityClassName : "";
      if (s.operator === "Exists") return name !== "";
      if (s.operator === "In") return s.values.includes(name);
      if (s.operator === "NotIn") return !s.values.includes(name);
      return false;
    }
    default:
      return false;
  }
}

/** Matches: the quota tracks a resource this evaluator counts, and the object is in every one of its scopes. */
export function quotaMatches(quota: StoredObject, t: Target, obj: StoredObject, hard: Iterable<string>): boolean {
  if (matchingResources(t, hard).length === 0) return false;
  const scopes = scopeSelectorsOf(quota);
  if (scopes.length === 0) return true;
  // Only pods have scopes (MatchesNoScopeFunc for every other evaluator).
  return isCore(t, "pods") && scopes.every((s) => podMatchesScope(obj, s));
}

/** The pod Constraints check: with a cpu or memory quota, every container must say its request or limit. */
export function missingContainerResources(t: Target, obj: StoredObject, required: string[]): string | undefined {
  if (!isCore(t, "pods")) return undefined;
  const validation = new Set(["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]);
  const wanted = required.filter((r) => validation.has(r));
  if (wanted.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = rec(obj.spec);
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
    const resources = rec(c.resources);
    const requests = rec(resources.requests);
    const limits = rec(resources.limits);
    const has = new Set<string>();
    for (const r of ["cpu", "memory"]) {
      // The pod defaulting turns a limit alone into the request too.
      if (requests[r] !== undefined || limits[r] !== undefined) has.add(r).add(`requests.${r}`);
      if (limits[r] !== undefined) has.add(`limits.${r}`);
    }
    for (const r of wanted) {
      if (has.has(r)) continue;
      if (!missing.has(r)) missing.set(r, new Set());
      missing.get(r)?.add(String(c.name ?? ""));
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}
