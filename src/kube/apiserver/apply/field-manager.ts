/**
 * kube-apiserver's field manager (apimachinery managedfields/internal): records who owns which fields on
 * every write, and implements server-side apply over that ownership. The layers of upstream's
 * newDefaultFieldManager appear here as steps of `update` and `apply`: decoding the live or requested
 * managedFields, skipping objects that are not tracked, capping update managers, naming managers,
 * stamping times, stripping system metadata, the structured merge itself, and kubectl's upgrade path
 * from client-side apply (the last-applied-configuration annotation).
 */
import type { KubeObject, StoredObject } from "../../api/types.js";
import { goQuote } from "../../../shared/go-format.js";
import { StatusError } from "../status.js";
import { goJson, pathToString, type Path } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import {
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  isResetManagedFields,
  managerIdentifier,
  parseIdentifier,
  type Managed,
  type VersionedSet,
} from "./managed-fields.js";
import type { StructuralSchema } from "./structural-schema.js";
import {
  compareInto,
  compareObjects,
  dropNulls,
  ensureNamedFieldsAreMembers,
  excludeFields,
  jsonEqual,
  mergeObjects,
  removeItems,
  toFieldSet,
  TypedValueError,
  type Comparison,
} from "./typed-value.js";
import { withZeroFields } from "./zero-objects.js";

export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
/** apimachinery's DefaultMaxUpdateManagers. */
const MAX_UPDATE_MANAGERS = 10;
/** The bucket old update managers are merged into beyond the cap. */
const ANCIENT_CHANGES = "ancient-changes";
/** The manager name only kubectl's own server-side apply uses; it alone upgrades client-side apply. */
const KUBECTL = "kubectl";
/** apimachinery's TotalAnnotationSizeLimitB. */
const ANNOTATION_LIMIT = 256 * 1024;

/** System metadata no manager owns (stripMetaManager). */
const STRIPPED = FieldSet.of(
  [{ field: "apiVersion" }],
  [{ field: "kind" }],
  [{ field: "metadata" }],
  ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map(
    (f): Path => [{ field: "metadata" }, { field: f }],
  ),
);

export interface FieldManagerOptions {
  schema: StructuralSchema;
  /** group/version of the endpoint's kind, e.g. `apps/v1`: the version every entry is recorded in. */
  apiVersion: string;
  /** The kind as Go prints a GroupVersionKind: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
  gvk: string;
  /** The kind's empty object as Go serializes it (zero-objects.ts). */
  zero: KubeObject;
  /** Fields the strategy resets at this endpoint and nobody may own (status on the main resource). */
  resetFields: FieldSet;
  /** The subresource written through, e.g. `status`; entries then carry it. */
  subresource?: string;
  /** The time entries get (kubeTime of the injected clock). */
  now: string;
}

/** upstream's managerOrUserAgent: the fieldManager parameter, else the User-Agent up to its first `/`. */
export function managerOrUserAgent(fieldManager: string, userAgent: string): string {
  if (fieldManager) return fieldManager;
  const product = userAgent.split("/")[0] ?? "";
  if (product.length <= 128 && /^[\x20-\x7e]*$/.test(product)) return product;
  let out = "";
  for (const ch of product) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch, "utf8") > 128) break;
    out += ch;
  }
  return out;
}

/** Fields other managers own that an apply would change without force. */
export class ApplyConflictError extends Error {
  override readonly name = "ApplyConflictError";
  constructor(readonly conflicts: { manager: string; path: Path }[]) {
    super("apply conflicts");
  }
}

/** A shallow view of `obj` without its managedFields (only read, never written through). */
const withoutManagedFields = (obj: KubeObject): KubeObject => {
  if (!obj.metadata || typeof obj.metadata !== "object" || !("managedFields" in obj.metadata)) return obj;
  const { managedFields: _managedFields, ...metadata } = obj.metadata;
  return { ...obj, metadata };
};

export class FieldManager {
  constructor(private readonly o: FieldManagerOptions) {}

  /**
   * Records the ownership of a create, update or non-apply patch on `next` (FieldManager.UpdateNoErrors):
   * the fields it changed from `live` (undefined on create) go to `manager`'s Update entry. Nothing is
   * thrown: if ownership cannot be computed, managedFields are dropped, as upstream does.
   */
  update(live: StoredObject | undefined, next: StoredObject, manager: string): void {
    try {
      const managed = this.decodeForUpdate(live, next);
      // skipNonAppliedManager: objects without ownership stay untracked after creation.
      if (managed.fields.size === 0 && live?.metadata.uid) {
        delete next.metadata.managedFields;
        return;
      }
      const id = managerIdentifier({ manager, operation: "Update", apiVersion: this.o.apiVersion, subresource: this.o.subresource });
      // merge.Updater.Update: what changed moves to this manager; what was removed leaves everyone.
      const changed = new FieldSet();
      const removed = new FieldSet();
      const liveObj = withZeroFields(live ? withoutManagedFields(live) : {}, this.o.zero);
      compareInto(liveObj, withZeroFields(withoutManagedFields(next), this.o.zero), this.o.schema, { added: changed, modified: changed, removed }, this.o.resetFields);
      // The decoded sets belong to this request alone, so they are changed in place.
      for (const [other, vs] of managed.fields) {
        const lostChanged = vs.set.subtract(changed);
        if (vs.set.subtract(removed) || lostChanged) delete vs.encoded;
        if (vs.set.isEmpty()) managed.fields.delete(other);
      }
      // stripMetaManager, then managedFieldsUpdater: merge into the manager's entry, stamped when it changed something.
      changed.subtract(STRIPPED);
      if (!changed.isEmpty()) {
        const previous = managed.fields.get(id);
        managed.fields.set(id, { set: previous ? previous.set.absorb(changed) : changed, apiVersion: this.o.apiVersion, applied: false });
        managed.times.set(id, this.o.now);
      }
      this.store(next, capUpdateManagers(managed));
    } catch {
      delete next.metadata.managedFields;
    }
  }

  /**
   * Server-side apply of `config` by `manager` onto `live` (undefined: the object does not exist yet).
   * Returns the merged object with its managedFields; the caller runs admission, defaults and validation.
   * @throws StatusError 400 for an apply patch of the wrong version or carrying managedFields, 409 with
   *   FieldManagerConflict causes when other managers own fields it changes and `force` is false, 500 for
   *   a configuration that does not fit the schema.
   */
  apply(live: StoredObject | undefined, config: KubeObject, manager: string, force: boolean): StoredObject {
    let managed: Managed;
    try {
      managed = decodeManagedFields(live?.metadata.managedFields);
    } catch (error) {
      throw internalError(`failed to decode managed fields: ${(error as Error).message}`);
    }
    const liveObj = live ? withoutManagedFields(live) : {};
    const configVersion = typeof config.apiVersion === "string" ? config.apiVersion : "";
    if (configVersion !== this.o.apiVersion) {
      throw new StatusError(400, "BadRequest", `Incorrect version specified in apply patch. Specified patch version: ${configVersion}, expected: ${this.o.apiVersion}`);
    }
    if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) {
      throw new StatusError(400, "BadRequest", "metadata.managedFields must be nil");
    }
    const id = managerIdentifier({ manager, operation: "Apply", subresource: this.o.subresource });
    let result: { object: KubeObject; fields: Map<string, VersionedSet> };
    try {
      try {
        result = this.applySets(liveObj, config, managed.fields, id, force);
      } catch (error) {
        // lastAppliedManager: kubectl may take over fields it set with client-side apply, unchanged since.
        if (!(error instanceof ApplyConflictError) || manager !== KUBECTL) throw error;
        const allowed = this.allowedFromLastApplied(liveObj);
        if (!allowed || error.conflicts.some((c) => !allowed.has(c.path))) {
          throw new ApplyConflictError(error.conflicts.filter((c) => !allowed?.has(c.path)));
        }
        result = this.applySets(liveObj, config, managed.fields, id, true);
      }
    } catch (error) {
      if (error instanceof ApplyConflictError) throw conflictStatus(error.conflicts);
      if (error instanceof TypedValueError) throw internalError(`failed to create typed patch object (${this.describe(config)}): ${error.message}`);
      throw error;
    }
    managed.times.set(id, this.o.now);
    const object = dropNulls(result.object) as StoredObject;
    if (typeof object.metadata !== "object" || object.metadata === null) object.metadata = {};
    // lastAppliedUpdater: keep client-side apply's annotation in step with what kubectl applies.
    if (manager === KUBECTL && object.metadata.annotations?.[LAST_APPLIED_ANNOTATION]) {
      setLastApplied(object, buildLastApplied(config));
    }
    this.store(object, capUpdateManagers({ fields: result.fields, times: managed.times }));
    return object;
  }

  private describe(config: KubeObject): string {
    const meta = config.metadata ?? {};
    return `${meta.namespace ?? ""}/${meta.name ?? ""}; ${this.o.gvk}`;
  }

  /** decodeManagedFields: the request's ownership, else the live object's (never a subresource's request). */
  private decodeForUpdate(live: StoredObject | undefined, next: StoredObject): Managed {
    const fromLive = (): Managed => {
      try {
        return decodeManagedFields(live?.metadata.managedFields, true);
      } catch {
        return emptyManaged();
      }
    };
    if (this.o.subresource) return fromLive();
    const requested = next.metadata.managedFields;
    if (isResetManagedFields(requested)) return emptyManaged();
    // Most writers send back what they read: then the stored encoding stays valid.
    if (requested === undefined || (live && jsonEqual(requested, live.metadata.managedFields))) return fromLive();
    try {
      const managed = decodeManagedFields(requested);
      return managed.fields.size > 0 ? managed : fromLive();
    } catch {
      return fromLive();
    }
  }

  private compare(live: KubeObject, next: KubeObject): Comparison {
    const c = compareObjects(withZeroFields(live, this.o.zero), withZeroFields(next, this.o.zero), this.o.schema);
    return excludeFields(c, this.o.resetFields);
  }

  /** merge.Updater.Apply: merge, own what was applied, prune what is no longer applied, detect conflicts. */
  private applySets(
    live: KubeObject,
    config: KubeObject,
    managers: Map<string, VersionedSet>,
    id: string,
    force: boolean,
  ): { object: KubeObject; fields: Map<string, VersionedSet> } {
    const { schema } = this.o;
    const configSet = toFieldSet(config, schema).recursiveDifference(this.o.resetFields);
    let merged = (mergeObjects(live, config, schema) ?? {}) as KubeObject;
    const working = new Map(managers);
    const last = working.get(id);
    working.set(id, { set: configSet, apiVersion: this.o.apiVersion, applied: true });
    if (last && !last.set.isEmpty()) merged = this.prune(merged, working, last.set);
    const compare = this.compare(live, merged);
    const conflicts: { manager: string; path: Path }[] = [];
    for (const [manager, vs] of [...working].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (manager === id) continue;
      const taken = vs.set.intersection(compare.modified.union(compare.added));
      for (const path of taken.paths()) conflicts.push({ manager, path });
    }
    if (!force && conflicts.length > 0) throw new ApplyConflictError(conflicts);
    const out = takeFromOthers(working, id, compare);
    const own = out.get(id);
    if (own) {
      const set = own.set.difference(STRIPPED);
      if (set.isEmpty()) out.delete(id);
      else out.set(id, { ...own, set });
    }
    return { object: merged, fields: out };
  }

  /**
   * Removes what the applier applied last time and no longer applies, unless another manager (or the new
   * configuration) still owns it (Updater.prune with addBackOwnedItems and addBackDanglingItems).
   */
  private prune(merged: KubeObject, managers: Map<string, VersionedSet>, lastSet: FieldSet): KubeObject {
    const { schema } = this.o;
    const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, schema);
    const fieldsOf = (obj: unknown) => named(toFieldSet(obj ?? {}, schema, true));
    const last = named(lastSet);
    let owned = new FieldSet();
    for (const vs of managers.values()) owned = owned.union(vs.set);
    const mergedSet = fieldsOf(merged);
    const pruned = removeItems(merged, last, schema);
    const keptOrOwned = fieldsOf(pruned).union(named(owned));
    const ownedBack = removeItems(merged, mergedSet.difference(keptOrOwned), schema);
    const dangling = mergedSet.difference(fieldsOf(ownedBack)).intersection(last);
    return (removeItems(merged, dangling, schema) ?? {}) as KubeObject;
  }

  /** The fields kubectl set with client-side apply and nobody changed since (allowedConflictsFromLastApplied). */
  private allowedFromLastApplied(live: KubeObject): FieldSet | undefined {
    const text = live.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
    if (!text) return undefined;
    try {
      const lastApplied = JSON.parse(text) as KubeObject;
      if (typeof lastApplied !== "object" || lastApplied === null || lastApplied.apiVersion !== this.o.apiVersion) return undefined;
      const set = toFieldSet(lastApplied, this.o.schema);
      const c = compareObjects(withZeroFields(lastApplied, this.o.zero), withZeroFields(live, this.o.zero), this.o.schema);
      return set.difference(c.modified).difference(c.added).difference(c.removed);
    } catch {
      return undefined;
    }
  }

  private store(obj: KubeObject, managed: Managed): void {
    const entries = encodeManagedFields(managed);
    const meta = (obj.metadata ??= {});
    if (entries.length > 0) meta.managedFields = entries as unknown as Record<string, unknown>[];
    else delete meta.managedFields;
  }
}

/** Updater.update with force: other managers lose the fields this change modified, added or removed. */
function takeFromOthers(managers: Map<string, VersionedSet>, self: string, compare: Comparison): Map<string, VersionedSet> {
  const changed = compare.modified.union(compare.added);
  const out = new Map<string, VersionedSet>();
  for (const [manager, vs] of managers) {
    if (manager === self) {
      out.set(manager, vs);
      continue;
    }
    const set = vs.set.difference(changed).difference(compare.removed);
    if (!set.isEmpty()) out.set(manager, { set, apiVersion: vs.apiVersion, applied: vs.applied });
  }
  return out;
}

/** capManagersManager: beyond ten update managers, the oldest are merged into `ancient-changes` per version. */
function capUpdateManagers(managed: Managed): Managed {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed;
  const seconds = (id: string) => {
    const t = managed.times.get(id);
    return t ? Math.floor(Date.parse(t) / 1000) : 0;
  };
  updaters.sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const vs = managed.fields.get(id);
    if (!vs) continue;
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: "Update", apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      const firstSet = managed.fields.get(first);
      managed.fields.delete(first);
      if (firstSet) managed.fields.set(bucket, firstSet);
    }
    const bucketSet = managed.fields.get(bucket);
    managed.fields.set(bucket, { set: vs.set.union(bucketSet?.set ?? new FieldSet()), apiVersion: vs.apiVersion, applied: false });
    managed.fields.delete(id);
    managed.times.set(bucket, managed.times.get(id));
    length--;
  }
  return managed;
}

/** The 409 upstream answers for apply conflicts (managedfields/internal/conflict.go). */
export function conflictStatus(conflicts: { manager: string; path: Path }[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${printManager(c.manager)}`, field: pathToString(c.path) }));
  let message: string;
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${pathToString(only.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathToString(c.path)]);
    const lines: string[] = [];
    for (const manager of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(manager)}:`);
      for (const path of byManager.get(manager) ?? []) lines.push(`- ${path}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new StatusError(409, "Conflict", message, { causes });
}

/** printManager: `"name"`, `with subresource "s"`, and `using <apiVersion>` for updaters. */
function printManager(identifier: string): string {
  const who = parseIdentifier(identifier);
  let text = goQuote(who.manager);
  if (who.subresource) text += ` with subresource ${goQuote(who.subresource)}`;
  if (who.operation === "Update") text += ` using ${who.apiVersion ?? ""}`;
  return text;
}

/** A Go error reaching the handler: 500 with the message as is and no reason. */
const internalError = (message: string): StatusError => new StatusError(500, "", message);

/** The applied configuration, without the annotation itself, as Go encodes it plus Encoder's newline. */
function buildLastApplied(config: KubeObject): string {
  const copy = structuredClone(config);
  const annotations = copy.metadata?.annotations;
  if (annotations) delete annotations[LAST_APPLIED_ANNOTATION];
  return `${goJson(copy)}\n`;
}

function setLastApplied(obj: StoredObject, value: string): void {
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED_ANNOTATION]: value };
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (size > ANNOTATION_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  obj.metadata.annotations = annotations;
}
