import type { KubeObject, StoredObject } from "../../api/types.js";

/** metav1.OwnerReference as stored. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type Json = Record<string, unknown>;

export const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
export const recs = (v: unknown): Json[] => (Array.isArray(v) ? (v as unknown[]).filter((x): x is Json => x !== null && typeof x === "object") : []);
export const int = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : fallback);
export const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const ownerRefsOf = (obj: KubeObject): OwnerReference[] => (obj.metadata?.ownerReferences ?? []) as unknown as OwnerReference[];

/** The owner reference with controller=true, if any (metav1.GetControllerOf). */
export const controllerRefOf = (obj: KubeObject): OwnerReference | undefined => ownerRefsOf(obj).find((r) => r.controller === true);

/**
 * The cache key ("ns/name") of the `kind` owner that controls `obj`, when that owner is in the
 * cache and is still the same object (same uid), else undefined.
 */
export function controllingOwnerKey(obj: StoredObject, kind: string, owners: { get(key: string): StoredObject | undefined }): string | undefined {
  const ref = controllerRefOf(obj);
  if (!ref || ref.kind !== kind) return undefined;
  const key = `${obj.metadata.namespace ?? ""}/${ref.name}`;
  return owners.get(key)?.metadata.uid === ref.uid ? key : undefined;
}

/** The uid of the controlling owner, or "" for orphans. */
export const controllerUid = (obj: KubeObject): string => controllerRefOf(obj)?.uid ?? "";

/** The reference a controller puts on what it creates (metav1.NewControllerRef). */
export function newControllerRef(owner: StoredObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? "",
    kind: owner.kind ?? "",
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Canonical JSON (keys sorted at every level), so equal objects print equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as Json)
      .filter((k) => (value as Json)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Json)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Go's time for `creationTimestamp` comparisons (missing → 0). */
export const createdAt = (obj: KubeObject): number => {
  const t = obj.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
};

/** Oldest first, then by name, as upstream's ByCreationTimestamp sorters. */
export const byCreation = (a: KubeObject, b: KubeObject): number =>
  createdAt(a) - createdAt(b) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
