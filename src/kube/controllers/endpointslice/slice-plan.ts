/**
 * How the EndpointSlice controller turns a Service's desired endpoints and its existing slices
 * into writes (the reconciler of pkg/controller/endpointslice, simplified): endpoints stay in the
 * slice they are in, changed ones are rewritten in place, new ones fill slices with room before
 * new slices are made, emptied slices go, and a Service with no endpoints keeps one empty
 * placeholder slice. At most 100 endpoints per slice (--max-endpoints-per-slice).
 */
import type { StoredObject } from "../../api/types.js";
import { canonicalJson, recs, str, type Json } from "../common/controller-ref.js";

export const MAX_ENDPOINTS_PER_SLICE = 100;

/** One set of ports and the endpoints that serve exactly those ports. */
export interface DesiredGroup {
  ports: Json[];
  /** By address. */
  endpoints: Map<string, Json>;
}

export interface SlicePlan {
  create: { ports: Json[]; endpoints: Json[] }[];
  update: { slice: StoredObject; ports: Json[]; endpoints: Json[] }[];
  delete: StoredObject[];
}

export const portsKey = (ports: Json[]): string => canonicalJson([...ports].sort((a, b) => str(a.name).localeCompare(str(b.name))));
const addressOf = (endpoint: Json): string => String((endpoint.addresses as string[] | undefined)?.[0] ?? "");

/**
 * `metadataChanged(slice)` tells whether a slice needs rewriting for its labels or owner even if
 * its endpoints are right.
 */
export function planSlices(desired: Map<string, DesiredGroup>, existing: StoredObject[], metadataChanged: (slice: StoredObject) => boolean): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byKey = new Map<string, StoredObject[]>();
  for (const slice of existing) {
    const key = portsKey(recs(slice.ports));
    let slices = byKey.get(key);
    if (!slices) byKey.set(key, (slices = []));
    slices.push(slice);
  }
  let endpointCount = 0;
  for (const group of desired.values()) endpointCount += group.endpoints.size;

  for (const [key, group] of desired) {
    const slices = byKey.get(key) ?? [];
    byKey.delete(key);
    const remaining = new Map(group.endpoints);
    const kept: { slice: StoredObject; endpoints: Json[]; changed: boolean }[] = [];
    for (const slice of slices) {
      const current = recs(slice.endpoints);
      const next: Json[] = [];
      let changed = metadataChanged(slice);
      for (const endpoint of current) {
        const wanted = remaining.get(addressOf(endpoint));
        if (!wanted || next.length >= MAX_ENDPOINTS_PER_SLICE) {
          changed = true;
          continue;
        }
        remaining.delete(addressOf(endpoint));
        if (canonicalJson(wanted) !== canonicalJson(endpoint)) changed = true;
        next.push(wanted);
      }
      kept.push({ slice, endpoints: next, changed });
    }
    // New endpoints go into slices with room (ones being rewritten anyway first), then new slices.
    const fresh = [...remaining.values()];
    let next = 0;
    kept.sort((a, b) => Number(b.changed) - Number(a.changed));
    for (const k of kept) {
      const room = Math.min(MAX_ENDPOINTS_PER_SLICE - k.endpoints.length, fresh.length - next);
      if (room <= 0) continue;
      k.endpoints.push(...fresh.slice(next, next + room));
      next += room;
      k.changed = true;
    }
    for (const k of kept) {
      if (k.endpoints.length === 0) plan.delete.push(k.slice);
      else if (k.changed) plan.update.push({ slice: k.slice, ports: group.ports, endpoints: k.endpoints });
    }
    for (; next < fresh.length; next += MAX_ENDPOINTS_PER_SLICE) plan.create.push({ ports: group.ports, endpoints: fresh.slice(next, next + MAX_ENDPOINTS_PER_SLICE) });
  }
  // Slices for port sets nobody serves any more.
  for (const slices of byKey.values()) plan.delete.push(...slices);

  if (endpointCount === 0) {
    // Keep (or make) exactly one empty placeholder slice.
    const all = [...plan.delete, ...plan.update.map((u) => u.slice)];
    const placeholder = all.find((s) => recs(s.endpoints).length === 0 && recs(s.ports).length === 0 && !metadataChanged(s));
    plan.update = [];
    plan.delete = all.filter((s) => s !== placeholder);
    if (!placeholder) {
      const reusable = plan.delete.shift();
      if (reusable) plan.update.push({ slice: reusable, ports: [], endpoints: [] });
      else plan.create.push({ ports: [], endpoints: [] });
    }
  }
  return plan;
}
