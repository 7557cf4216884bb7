/**
 * The field manager as the REST handler uses it: one per request (kind, subresource, time), the
 * PatchOptions/CreateOptions/UpdateOptions checks upstream makes on fieldManager and force, the apply
 * body, and managedFields bookkeeping for writes that are not applies.
 */
import { parse as parseYaml } from "yaml";
import { apiVersionOf, type FieldCause, type ResourceDescriptor } from "../../api/descriptor.js";
import type { KubeObject, StoredObject } from "../../api/types.js";
import { kubeTime } from "../registry/resource-store.js";
import { CORE_PATCH_SCHEMA, objectMetaSchema } from "../patch.js";
import { errors, type ResourceName } from "../status.js";
import { FieldManager, managerOrUserAgent, type FieldManagerOptions } from "./field-manager.js";
import type { Path } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import { validateFieldManager, validateManagedFields, type ManagedFieldsEntry } from "./managed-fields.js";
import { StructuralSchema } from "./structural-schema.js";
import { zeroObject } from "./zero-objects.js";
import { cloneJson } from "../../../shared/json-clone.js";

const BUILT_IN_SCHEMA = new StructuralSchema(CORE_PATCH_SCHEMA);
const CUSTOM_SCHEMA = new StructuralSchema(objectMetaSchema("metadata"), false);

/**
 * The fields a write through `subresource` may not own (the strategies' GetResetFields): a status write
 * owns status (and annotations, which the registry lets through), never spec or labels; a write to the
 * object itself never owns the status of a kind with a status subresource.
 */
function resetFields(d: ResourceDescriptor, subresource: string | undefined): FieldSet {
  if (subresource === "status") {
    const others = d.topLevelFields.filter((f) => f !== "status").map((field): Path => [{ field }]);
    return FieldSet.of([{ field: "metadata" }, { field: "labels" }], ...others);
  }
  return d.subresources.includes("status") ? FieldSet.of([{ field: "status" }]) : new FieldSet();
}

/** What a field manager needs of a kind and subresource, computed once per descriptor. */
const optionsCache = new WeakMap<ResourceDescriptor, Map<string, Omit<FieldManagerOptions, "now">>>();

function optionsFor(d: ResourceDescriptor, subresource: string | undefined): Omit<FieldManagerOptions, "now"> {
  let bySubresource = optionsCache.get(d);
  if (!bySubresource) optionsCache.set(d, (bySubresource = new Map()));
  const cached = bySubresource.get(subresource ?? "");
  if (cached) return cached;
  const builtIn = !d.customResource;
  const options = {
    schema: builtIn ? BUILT_IN_SCHEMA : CUSTOM_SCHEMA,
    apiVersion: apiVersionOf(d),
    gvk: `${d.group}/${d.version}, Kind=${d.kind}`,
    zero: zeroObject(d.group, d.kind, builtIn),
    resetFields: resetFields(d, subresource),
    subresource,
  };
  bySubresource.set(subresource ?? "", options);
  return options;
}

/** The field manager of one request to `d` (through `subresource`) at time `now`. */
export function fieldManagerFor(d: ResourceDescriptor, subresource: string | undefined, now: Date): FieldManager {
  return new FieldManager({ ...optionsFor(d, subresource), now: kubeTime(now) });
}

/** The manager a request writes as: its fieldManager parameter, else its User-Agent's product name. */
export const requestManager = (query: URLSearchParams, userAgent: string | undefined): string =>
  managerOrUserAgent(query.get("fieldManager") ?? "", userAgent ?? "");

const GO_BOOLS: Record<string, boolean> = { "1": true, t: true, T: true, true: true, TRUE: true, True: true, "0": false, f: false, F: false, false: false, FALSE: false, False: false };

/**
 * ValidatePatchOptions / ValidateCreateOptions / ValidateUpdateOptions for fieldManager and force (422 on
 * `<Kind>Options.meta.k8s.io ""`); returns whether an apply forces.
 */
export type WriteOptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions";

export function checkWriteOptions(kind: WriteOptionsKind, query: URLSearchParams, apply: boolean): { force: boolean } {
  const forceText = query.get("force");
  let force = false;
  if (forceText !== null) {
    const parsed = GO_BOOLS[forceText];
    if (parsed === undefined) throw errors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(forceText)}: invalid syntax`);
    force = parsed;
  }
  const manager = query.get("fieldManager") ?? "";
  const causes: FieldCause[] = [];
  if (kind === "PatchOptions") {
    if (!apply && forceText !== null) causes.push({ field: "force", reason: "FieldValueForbidden", message: "Forbidden: may not be specified for non-apply patch" });
    if (apply && !manager) causes.push({ field: "fieldManager", reason: "FieldValueRequired", message: "Required value: is required for apply patch" });
  }
  causes.push(...validateFieldManager(manager, "fieldManager"));
  if (causes.length > 0) throw errors.invalid({ resource: "", group: "meta.k8s.io", kind }, "", causes);
  return { force };
}

/** An apply body: YAML (JSON is YAML) holding one object, as sigs.k8s.io/yaml decodes it. */
export function parseApplyConfiguration(body: Uint8Array): KubeObject {
  const text = Buffer.from(body).toString("utf8");
  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? {} : parseYaml(text, { version: "1.1", uniqueKeys: false });
  } catch (error) {
    throw errors.badRequest(`error decoding YAML: error converting YAML to JSON: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? "array" : typeof parsed === "boolean" ? "bool" : typeof parsed;
    throw errors.badRequest(`error decoding YAML: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  return parsed as KubeObject;
}

/** Refuses managedFields a client may not store (ValidateManagedFields), as a 422 on the object. */
export function requireValidManagedFields(name: ResourceName, obj: StoredObject): void {
  const entries = obj.metadata.managedFields as ManagedFieldsEntry[] | undefined;
  if (!Array.isArray(entries)) return;
  const causes = validateManagedFields(entries);
  if (causes.length > 0) throw errors.invalid(name, obj.metadata.name ?? "", causes);
}

/** One write's admission phases, as the handler binds them to a request. */
export interface WriteAdmission {
  mutate(obj: KubeObject, old?: StoredObject): Promise<StoredObject>;
  validate(obj: StoredObject, old?: StoredObject): Promise<void>;
}

/**
 * The object as upstream's field manager sees it: the request decoded with its defaults, before mutating
 * admission (what admission plugins add belongs to nobody). minieks defaults in the strategy, so the
 * requested object is run through a copy of that step. A status write is taken as sent: the reset fields
 * keep its ownership to what the registry lets it change.
 */
function asDecoded(d: ResourceDescriptor, requested: StoredObject | undefined, final: StoredObject, old: StoredObject | undefined, subresource?: string): StoredObject {
  if (requested && subresource === "status") return requested;
  if (!requested || (subresource !== undefined && subresource !== "scale")) return cloneJson(final);
  const decoded = requested;
  if (typeof decoded.metadata !== "object" || decoded.metadata === null) decoded.metadata = {};
  try {
    if (old) d.strategy.prepareForUpdate?.(decoded, old);
    else d.strategy.prepareForCreate?.(decoded);
  } catch {
    return cloneJson(final);
  }
  return decoded;
}

/**
 * Wraps a write's admission so the stored object's managedFields record the write (create, update and
 * non-apply patches): what the request changed, with defaults, against the stored object.
 */
export function trackingAdmission(d: ResourceDescriptor, subresource: string | undefined, manager: string, now: () => Date, admit: WriteAdmission): WriteAdmission {
  const name: ResourceName = { resource: d.plural, group: d.group, kind: d.kind };
  let requested: StoredObject | undefined;
  return {
    mutate: (obj, old) => {
      requested = cloneJson(obj) as StoredObject;
      return admit.mutate(obj, old);
    },
    validate: async (obj, old) => {
      // `requested` is this attempt's private copy; a retried update makes a new one.
      const decoded = asDecoded(d, requested, obj, old, subresource);
      requested = undefined;
      decoded.metadata.managedFields = obj.metadata.managedFields;
      fieldManagerFor(d, subresource, now()).update(old, decoded, manager);
      if (decoded.metadata.managedFields) obj.metadata.managedFields = decoded.metadata.managedFields;
      else delete obj.metadata.managedFields;
      requireValidManagedFields(name, obj);
      await admit.validate(obj, old);
    },
  };
}
