/**
 * Loose readers for JSON objects of any kind, and the small printing pieces every printer of
 * the extra built-in kinds shares (name, age, the default "Name / Created At" table).
 */
import type { PrinterColumn } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { age } from "./human-duration.js";

export type J = Record<string, unknown>;
export const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
export const recs = (v: unknown): J[] => (Array.isArray(v) ? v.filter((x): x is J => x !== null && typeof x === "object" && !Array.isArray(x)) : []);
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
export const str = (v: unknown): string => (typeof v === "string" ? v : "");
export const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;
/** The object at `parent[key]`, created when missing, so defaults land in the stored object. */
export const child = (parent: J, key: string): J => {
  const value = rec(parent[key]);
  parent[key] = value;
  return value;
};

export const nameOf = (o: StoredObject): string => o.metadata.name ?? "";
export const ageOf = (o: StoredObject, now: Date): string => age(o.metadata.creationTimestamp, now);

/** ObjectMeta's creationTimestamp doc, the description of the default table's "Created At". */
const CREATION_TIMESTAMP_DOC =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const NAME_DOC =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/** rest.NewDefaultTableConvertor: kinds without a printer show NAME and CREATED AT (RFC 3339). */
export const DEFAULT_TABLE: { columns: PrinterColumn[]; cells: (o: StoredObject) => unknown[] } = {
  columns: [
    { name: "Name", type: "string", format: "name", description: NAME_DOC, priority: 0 },
    { name: "Created At", type: "date", description: CREATION_TIMESTAMP_DOC, priority: 0 },
  ],
  cells: (o) => [nameOf(o), o.metadata.creationTimestamp ?? ""],
};

/** Go's %#v of an intstr.IntOrString, as field errors print it. */
export function goIntOrString(v: unknown): string {
  return typeof v === "string" ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}` : `intstr.IntOrString{Type:0, IntVal:${int(v)}, StrVal:""}`;
}

/** IntOrString.String(): the number or the string. */
export const intOrStringText = (v: unknown): string => (typeof v === "string" ? v : String(int(v)));
