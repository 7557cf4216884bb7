/**
 * Server-side printing: meta.k8s.io Table output for `kubectl get`, built from a resource
 * descriptor's columns and cells (apiserver endpoints/handlers/response.go asTable).
 */
import type { ResourceDescriptor } from "../api/descriptor.js";
import { apiVersionOf } from "../api/descriptor.js";
import type { ObjectMeta, StoredObject } from "../api/types.js";

/** meta.k8s.io TableColumnDefinition; every field is always serialized. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** meta.k8s.io TableRowCondition. */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** meta.k8s.io TableRow; `object` is null when includeObject=None. */
export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object: unknown;
}

/** meta.k8s.io/v1 (or v1beta1) Table. */
export interface Table {
  kind: "Table";
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a table request asked for and what the list it renders carried. */
export interface ToTableOptions {
  now: Date;
  includeObject: "None" | "Metadata" | "Object";
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
  /** Leave out columnDefinitions (internal callers only; not a query parameter upstream). */
  omitHeaders?: boolean;
  /** The Table version negotiated by `wantsTable`; also the PartialObjectMetadata version. Default v1. */
  tableVersion?: "v1" | "v1beta1";
}

/**
 * printPod marks finished pods so clients can de-emphasize them. This is the only row
 * condition core printers set; it belongs on the descriptor once another kind needs one.
 */
function rowConditions(descriptor: ResourceDescriptor, obj: StoredObject): TableRowCondition[] | undefined {
  if (descriptor.group !== "" || descriptor.kind !== "Pod") return undefined;
  const phase = (obj.status as { phase?: unknown } | undefined)?.phase;
  if (phase === "Succeeded") return [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
  if (phase === "Failed") return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
  return undefined;
}

function rowObject(descriptor: ResourceDescriptor, obj: StoredObject, opts: ToTableOptions, metaApiVersion: string): unknown {
  switch (opts.includeObject) {
    case "None":
      return null;
    case "Object": {
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = obj;
      return { kind: descriptor.kind, apiVersion: apiVersionOf(descriptor), ...rest };
    }
    default: {
      const { managedFields: _managedFields, ...metadata }: ObjectMeta = obj.metadata;
      return { kind: "PartialObjectMetadata", apiVersion: metaApiVersion, metadata };
    }
  }
}

/**
 * Render objects as a Table. Cells come from `descriptor.cells`, which (like kube-apiserver,
 * which prints with Wide=true) includes the priority-1 columns; kubectl drops them without -o wide.
 * With includeObject=Metadata (kubectl's default) each row carries a PartialObjectMetadata,
 * which `-A` (NAMESPACE column) and `--show-labels` read. managedFields are left out of it:
 * kubectl never shows them from a table. (kube-apiserver copies the full ObjectMeta.)
 */
export function toTable(descriptor: ResourceDescriptor, objects: StoredObject[], opts: ToTableOptions): Table {
  const apiVersion = `meta.k8s.io/${opts.tableVersion ?? "v1"}`;
  const metadata: Table["metadata"] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const columnDefinitions = opts.omitHeaders
    ? []
    : descriptor.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? "", description: c.description, priority: c.priority }));
  const rows = objects.map((obj): TableRow => {
    const conditions = rowConditions(descriptor, obj);
    return {
      cells: descriptor.cells(obj, opts.now),
      ...(conditions ? { conditions } : {}),
      object: rowObject(descriptor, obj, opts, apiVersion),
    };
  });
  return { kind: "Table", apiVersion, metadata, columnDefinitions, rows };
}

interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
  index: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  accept.split(",").forEach((part, index) => {
    const [mime, ...rawParams] = part.split(";").map((s) => s.trim());
    if (!mime) return;
    const [type, subtype] = mime.toLowerCase().split("/");
    if (!type || !subtype) return;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf("=");
      if (eq <= 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
      if (key === "q") q = Number.isNaN(Number(value)) ? 0 : Number(value);
      else params[key] = value;
    }
    ranges.push({ type, subtype, params, q, index });
  });
  // Highest q first, then more specific ranges; the header's order otherwise (goautoneg).
  const specificity = (r: MediaRange) => (r.type === "*" ? 0 : r.subtype === "*" ? 1 : 2);
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q || specificity(b) - specificity(a) || a.index - b.index);
}

/**
 * Whether an Accept header asks for a Table before anything else it accepts, and which version.
 * kubectl get sends `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`.
 * Like kube-apiserver, a Table clause only counts with g=meta.k8s.io, v=v1|v1beta1 and a JSON or
 * YAML media type (or a wildcard, which JSON serves); clauses asking for another conversion
 * (`as=...`) are skipped; the first plain clause the server can serve means "no table".
 */
export function wantsTable(accept: string): "v1" | "v1beta1" | undefined {
  for (const r of parseAccept(accept)) {
    const as = r.params.as;
    if (as === undefined) {
      const servable =
        (r.type === "*" && r.subtype === "*") ||
        (r.type === "application" && ["*", "json", "yaml", "vnd.kubernetes.protobuf"].includes(r.subtype));
      if (servable) return undefined;
      continue;
    }
    if (as !== "Table" || r.params.g !== "meta.k8s.io") continue;
    // A wildcard clause is served by the first serializer, JSON, so it may carry a Table too.
    const servesTable = (r.type === "*" && r.subtype === "*") || (r.type === "application" && ["*", "json", "yaml"].includes(r.subtype));
    if (!servesTable) continue;
    if (r.params.v === "v1" || r.params.v === "v1beta1") return r.params.v;
  }
  return undefined;
}
