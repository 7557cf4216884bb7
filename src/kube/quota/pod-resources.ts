import { addLists, addMilli, parseResourceList, type ResourceList } from "../api/quantity-math.js";
import type { StoredObject } from "../api/types.js";

/** A pod's resource facts as LimitRanger and quota read them (k8s.io/component-helpers resource helpers). */

type Json = Record<string, unknown>;
export const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
export const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);

export interface Requirements {
  requests: ResourceList;
  limits: ResourceList;
}

/**
 * A container's requests and limits. A limit without a request counts as the request too: the
 * API's pod defaulting (SetDefaults_Pod) writes it so before admission upstream.
 */
export function containerRequirements(container: Json): Requirements {
  const resources = rec(container.resources);
  const requests = parseResourceList(resources.requests);
  const limits = parseResourceList(resources.limits);
  for (const [k, v] of limits) if (!requests.has(k)) requests.set(k, v);
  return { requests, limits };
}

const maxLists = (a: ResourceList, b: ResourceList): ResourceList => {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    if (!cur || v.milli > cur.milli) out.set(k, v);
  }
  return out;
};

/** PodRequests / PodLimits: the containers' sum, sidecars added, each init container as a floor, plus overhead. */
function podTotal(pod: StoredObject, pick: (r: Requirements) => ResourceList, withOverhead: boolean): ResourceList {
  const spec = rec(pod.spec);
  let total: ResourceList = new Map();
  for (const c of recs(spec.containers)) total = addLists(total, pick(containerRequirements(c)));
  let sidecars: ResourceList = new Map();
  let initFloor: ResourceList = new Map();
  for (const c of recs(spec.initContainers)) {
    const own = pick(containerRequirements(c));
    if (c.restartPolicy === "Always") {
      sidecars = addLists(sidecars, own);
      total = addLists(total, own);
      initFloor = maxLists(initFloor, sidecars);
    } else {
      initFloor = maxLists(initFloor, addLists(sidecars, own));
    }
  }
  total = maxLists(total, initFloor);
  if (withOverhead) {
    for (const [k, v] of parseResourceList(spec.overhead)) total.set(k, addMilli(total.get(k), v));
  }
  return total;
}

export const podRequests = (pod: StoredObject): ResourceList => podTotal(pod, (r) => r.requests, true);
export const podLimits = (pod: StoredObject): ResourceList => podTotal(pod, (r) => r.limits, true);

/** BestEffort QoS: no container requests or limits cpu or memory. */
export function isBestEffort(pod: StoredObject): boolean {
  const spec = rec(pod.spec);
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
    const { requests, limits } = containerRequirements(c);
    for (const r of ["cpu", "memory"]) if (requests.has(r) || limits.has(r)) return false;
  }
  return true;
}
