/**
 * The structural facts server-side apply needs about a kind (upstream reads them from OpenAPI:
 * x-kubernetes-list-type, -list-map-keys, -map-type, and struct fields versus string-keyed maps):
 * which lists merge by key or as sets, which objects are atomic, and which objects are maps whose keys are
 * data (labels) rather than declared fields (spec). Built from the strategic-merge facts of patch.ts, as
 * kube-openapi does when a list has a patch strategy but no list type, plus the few places where the
 * apply keys differ from the patch merge key.
 */
import type { PatchSchema } from "../patch.js";

export type ListFacts =
  | { type: "atomic" }
  | { type: "set" }
  | { type: "map"; keys: readonly string[]; keyDefaults: Readonly<Record<string, unknown>> };

/** struct: declared fields; map: entries are data (each owned as an item); atomic: replaced whole. */
export type MapFacts = "struct" | "map" | "atomic";

const ATOMIC_LIST: ListFacts = { type: "atomic" };
const SET_LIST: ListFacts = { type: "set" };

/**
 * Where x-kubernetes-list-map-keys names more keys than the patch merge key, with the schema defaults the
 * keys take when an item omits them (Container ports, Service ports, topology spread constraints).
 */
const APPLY_KEYS: Record<string, { keys: string[]; keyDefaults: Record<string, unknown> }> = {
  containerPort: { keys: ["containerPort", "protocol"], keyDefaults: { protocol: "TCP" } },
  port: { keys: ["port", "protocol"], keyDefaults: { protocol: "TCP" } },
  topologyKey: { keys: ["topologyKey", "whenUnsatisfiable"], keyDefaults: {} },
};

/**
 * Fields whose type is `+structType=atomic` / `+mapType=atomic` upstream, wherever they appear: label
 * selectors, the pod's node selector, object and key references.
 */
const ATOMIC_FIELDS = new Set([
  "selector",
  "podSelector",
  "namespaceSelector",
  "labelSelector",
  "nodeSelector",
  "configMapKeyRef",
  "secretKeyRef",
  "fieldRef",
  "resourceFieldRef",
  "claimRef",
  "involvedObject",
  "secretRef",
  "dataSource",
  "dataSourceRef",
]);

/** map[string]T fields wherever they appear. */
const MAP_FIELDS = new Set([
  "labels",
  "annotations",
  "limits",
  "requests",
  "capacity",
  "allocatable",
  "hard",
  "used",
  "overhead",
  "volumeAttributes",
  "allocatedResources",
  "matchLabels",
  "options",
]);

/** map[string]T fields at the top level of an object (ConfigMap, Secret, StorageClass). */
const TOP_LEVEL_MAPS = new Set(["data", "binaryData", "stringData", "parameters"]);

export class StructuralSchema {
  /**
   * @param patchSchema strategic-merge facts of the kind.
   * @param builtIn false for custom resources: only ObjectMeta's facts are known, every other list is
   *   atomic and every other object a struct (a structural schema's properties).
   */
  constructor(
    private readonly patchSchema: PatchSchema,
    private readonly builtIn = true,
  ) {}

  /** The facts of the list at a schema path such as `spec.template.spec.containers[].ports`. */
  list(path: string): ListFacts {
    const facts = Object.hasOwn(this.patchSchema.lists, path) ? this.patchSchema.lists[path] : undefined;
    if (!facts || !facts.strategy.split(",").includes("merge")) return ATOMIC_LIST;
    if (!facts.mergeKey) return SET_LIST;
    const wider = APPLY_KEYS[facts.mergeKey];
    return wider ? { type: "map", ...wider } : { type: "map", keys: [facts.mergeKey], keyDefaults: {} };
  }

  /** The facts of the object at a schema path; list items are `path[]`. */
  map(path: string): MapFacts {
    if (path === "") return "struct";
    if (path.endsWith("[]")) return "struct";
    const maps = this.patchSchema.maps ?? {};
    if (Object.hasOwn(maps, path) && maps[path]?.strategy === "replace") return "atomic";
    if (!this.builtIn) return path === "metadata.labels" || path === "metadata.annotations" ? "map" : "struct";
    const field = path.slice(path.lastIndexOf(".") + 1);
    if (ATOMIC_FIELDS.has(field)) return "atomic";
    if (MAP_FIELDS.has(field)) return "map";
    if (!path.includes(".") && TOP_LEVEL_MAPS.has(path)) return "map";
    return "struct";
  }
}

/** The schema path of a named child: `spec` + `replicas` → `spec.replicas`. */
export const childPath = (path: string, field: string): string => (path ? `${path}.${field}` : field);
/** The schema path of a list's items. */
export const itemPath = (path: string): string => `${path}[]`;
