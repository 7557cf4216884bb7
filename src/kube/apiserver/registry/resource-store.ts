import { randomUUID } from "node:crypto";
import type { Clock } from "../../../shared/clock.js";
import { isStorageError, type KeyValue, type Storage, type WatchEvent } from "../../../storage/interface.js";
import { apiVersionOf, type FieldCause, type ResourceDescriptor } from "../../api/descriptor.js";
import { generateNameSuffix, validateDnsLabel, validateDnsSubdomain } from "../../api/names.js";
import type { KubeObject, StoredObject } from "../../api/types.js";
import { errors, StatusError, type ResourceName } from "../status.js";
import { labelValueErrors, qualifiedNameErrors } from "../selectors.js";
import { goQuote } from "../../../shared/go-format.js";
import { deletionFinalizers, type PropagationOptions } from "./deletion-propagation.js";
import { cloneJson } from "../../../shared/json-clone.js";

const encoder = new TextEncoder();
/** apimachinery's TotalAnnotationSizeLimitB. */
const MAX_ANNOTATION_BYTES = 256 * 1024;
const decoder = new TextDecoder();

/** Kubernetes timestamps are RFC 3339 in whole seconds. */
export const kubeTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export interface ListQuery {
  /** Returns true for objects the caller wants (label and field selectors). */
  filter?: (obj: StoredObject) => boolean;
  limit?: number;
  continueToken?: string;
  /** Read at exactly this revision (resourceVersionMatch=Exact). */
  exactRevision?: number;
}

export interface ListPage {
  items: StoredObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export type WatchEventKind = "ADDED" | "MODIFIED" | "DELETED";

export interface WriteOptions {
  dryRun?: boolean;
  /** Validating admission: called with the final object (and the stored one) just before the write. */
  validateAdmission?: (obj: StoredObject, old?: StoredObject) => Promise<void>;
}

/**
 * The generic registry store (kube-apiserver's genericregistry.Store): one instance per
 * resource per cluster, over the storage contract. Objects are kept as JSON without their
 * resourceVersion, which is the storage revision and is filled in on every read.
 */
export class ResourceStore {
  readonly name: ResourceName;

  constructor(
    private readonly storage: Storage,
    /** Storage prefix of this cluster's registry, e.g. `/k8s/<cluster-id>/registry`. */
    private readonly root: string,
    readonly descriptor: ResourceDescriptor,
    private readonly clock: Clock,
  ) {
    this.name = { resource: descriptor.plural, group: descriptor.group, kind: descriptor.kind };
  }

  /** Objects of a resource served in several versions live under their storage version's group and plural. */
  private prefix(namespace?: string): string {
    const { storage, group, plural } = this.descriptor;
    const base = `${this.root}/${(storage ? storage.group : group) || "core"}/${storage?.plural ?? plural}/`;
    return this.descriptor.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  private key(namespace: string | undefined, name: string): string {
    return this.prefix(this.descriptor.namespaced ? namespace : undefined) + name;
  }

  /**
   * Every watcher of this resource is handed the same event, so it is decoded once for all of them
   * (client-go's contract holds here too: objects from a watch are shared and read-only).
   */
  private readonly decodedEvents = new WeakMap<KeyValue, StoredObject>();
  private readonly decodedDeletions = new WeakMap<KeyValue, StoredObject>();
  private readonly decodedPrevious = new WeakMap<KeyValue, StoredObject>();

  private decodeShared(kv: KeyValue, cache: WeakMap<KeyValue, StoredObject>, deletedAt?: number): StoredObject {
    let obj = cache.get(kv);
    if (!obj) {
      obj = this.decode(kv);
      if (deletedAt !== undefined) obj.metadata.resourceVersion = String(deletedAt);
      cache.set(kv, obj);
    }
    return obj;
  }

  private decode(kv: KeyValue): StoredObject {
    const stored = JSON.parse(decoder.decode(kv.value)) as StoredObject;
    const obj = this.descriptor.storage ? this.descriptor.storage.fromStorage(stored) : stored;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  private encode(obj: StoredObject): Uint8Array {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    const plain = { ...obj, metadata };
    return encoder.encode(JSON.stringify(this.descriptor.storage ? this.descriptor.storage.toStorage(plain) : plain));
  }

  /** What a write answers: the object as stored, read back through this version (conversion may add defaults). */
  private written(obj: StoredObject, bytes: Uint8Array, revision: number): StoredObject {
    const result = this.descriptor.storage ? this.decode({ key: "", value: bytes, modRevision: revision } as KeyValue) : obj;
    result.metadata.resourceVersion = String(revision);
    return result;
  }

  /** Computed resources (componentstatuses, bindings, metrics) are not stored: reads are computed (in the namespace asked), writes refused. */
  private computedObjects(namespace?: string): StoredObject[] | undefined {
    const computed = this.descriptor.computed;
    if (!computed) return undefined;
    const all = computed.objects?.(this.clock.now()) ?? [];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  private refuseComputedWrite(): void {
    const computed = this.descriptor.computed;
    if (computed) throw new StatusError(405, "MethodNotAllowed", computed.refusal);
  }

  async get(namespace: string | undefined, name: string): Promise<StoredObject> {
    const computed = this.computedObjects(namespace);
    if (computed) {
      const found = computed.find((o) => o.metadata.name === name);
      if (!found) throw errors.notFound(this.name, name);
      return found;
    }
    const kv = await this.storage.get(this.key(namespace, name));
    if (!kv) throw errors.notFound(this.name, name);
    return this.decode(kv);
  }

  async list(namespace: string | undefined, query: ListQuery = {}): Promise<ListPage> {
    const computed = this.computedObjects(namespace);
    if (computed) {
      const items = computed.filter((o) => !query.filter || query.filter(o));
      return { items, resourceVersion: String(await this.storage.currentRevision()) };
    }
    const prefix = this.prefix(namespace);
    let revision = query.exactRevision;
    let startAfter: string | undefined;
    if (query.continueToken) {
      const token = decodeContinue(query.continueToken);
      revision = token.rv;
      startAfter = prefix + token.start;
    }
    const limit = query.limit && query.limit > 0 ? query.limit : undefined;
    const items: StoredObject[] = [];
    let lastKey: string | undefined;
    let more = false;
    let remaining = 0;
    try {
      for (;;) {
        const batch = await this.storage.list(prefix, { revision, startAfter, limit: limit ? Math.max(limit, 100) : undefined });
        revision = batch.revision;
        let stoppedEarly = false;
        for (const kv of batch.items) {
          if (limit && items.length >= limit) {
            stoppedEarly = true;
            break;
          }
          lastKey = kv.key;
          const obj = this.decode(kv);
          if (!query.filter || query.filter(obj)) items.push(obj);
        }
        if (stoppedEarly) {
          more = true;
          remaining = batch.remaining + batch.items.length - batch.items.findIndex((kv) => kv.key === lastKey) - 1;
          break;
        }
        if (!batch.more) break;
        startAfter = batch.items[batch.items.length - 1]?.key;
        if (limit && items.length >= limit) {
          more = true;
          remaining = batch.remaining;
          break;
        }
      }
    } catch (error) {
      if (isStorageError(error, "Compacted")) {
        if (query.continueToken) {
          throw errors.expired(
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
          );
        }
        throw errors.expired(`too old resource version: ${revision} (${error.revision ?? 0})`);
      }
      throw error;
    }
    const page: ListPage = { items, resourceVersion: String(revision ?? (await this.storage.currentRevision())) };
    if (more && lastKey) {
      page.continueToken = encodeContinue(Number(page.resourceVersion), lastKey.slice(prefix.length));
      if (!query.filter) page.remainingItemCount = remaining;
    }
    return page;
  }

  /** Validates, fills system metadata and stores a new object (or only returns it, on dry run). */
  async create(namespace: string | undefined, input: KubeObject, options: WriteOptions = {}): Promise<StoredObject> {
    this.refuseComputedWrite();
    const obj = this.normalize(input, namespace);
    const meta = obj.metadata;
    if (meta.resourceVersion) throw errors.badRequest("resourceVersion should not be set on objects to be created");
    const generateName = meta.generateName;
    if (!meta.name && generateName) meta.name = generateName + generateNameSuffix();
    // Kept after name, where upstream's encoding puts it.
    delete meta.generateName;
    if (generateName) meta.generateName = generateName;
    this.requireValid(obj, this.validateMeta(obj));
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime(this.clock.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (this.descriptor.hasSpec) meta.generation = 1;
    else delete meta.generation;
    this.descriptor.strategy.prepareForCreate?.(obj);
    this.requireValid(obj, this.descriptor.strategy.validate?.(obj) ?? []);
    await options.validateAdmission?.(obj);
    if (options.dryRun) {
      if (await this.storage.get(this.key(namespace, meta.name ?? ""))) throw errors.alreadyExists(this.name, meta.name ?? "");
      return obj;
    }
    try {
      const bytes = this.encode(obj);
      return this.written(obj, bytes, await this.storage.create(this.key(namespace, meta.name ?? ""), bytes));
    } catch (error) {
      if (isStorageError(error, "KeyExists")) throw errors.alreadyExists(this.name, meta.name ?? "");
      throw error;
    }
  }

  /**
   * Read-modify-write with optimistic concurrency (GuaranteedUpdate): `mutate` gets the current
   * object and returns the desired one. If the desired object carries a resourceVersion it must
   * match the stored one (409 otherwise); without one, a lost race is retried transparently.
   */
  async update(
    namespace: string | undefined,
    name: string,
    mutate: (current: StoredObject) => KubeObject | Promise<KubeObject>,
    options: WriteOptions & { subresource?: string } = {},
  ): Promise<StoredObject> {
    this.refuseComputedWrite();
    const key = this.key(namespace, name);
    for (;;) {
      const kv = await this.storage.get(key);
      if (!kv) throw errors.notFound(this.name, name);
      const current = this.decode(kv);
      const desired = this.normalize(await mutate(cloneJson(current)), namespace);
      const wantedRv = desired.metadata.resourceVersion;
      if (wantedRv && wantedRv !== current.metadata.resourceVersion) throw errors.modified(this.name, name);
      if (desired.metadata.uid && desired.metadata.uid !== current.metadata.uid) {
        throw errors.conflict(this.name, name, `Precondition failed: UID in precondition: ${desired.metadata.uid}, UID in object meta: ${current.metadata.uid ?? ""}`);
      }
      if (desired.metadata.name !== name) {
        throw errors.badRequest(`the name of the object (${desired.metadata.name ?? ""}) does not match the name on the URL (${name})`);
      }
      const obj = this.prepareUpdate(desired, current, options.subresource);
      await options.validateAdmission?.(obj, current);
      // A dry run answers with the stored version, as upstream's dry-run storage does (kubectl diff shows it).
      if (options.dryRun) return { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } };
      try {
        if (this.isFinalized(obj)) {
          const revision = await this.storage.delete(key, kv.modRevision);
          obj.metadata.resourceVersion = String(revision);
          return obj;
        }
        const bytes = this.encode(obj);
        return this.written(obj, bytes, await this.storage.update(key, bytes, kv.modRevision));
      } catch (error) {
        if (isStorageError(error, "Conflict")) {
          if (wantedRv) throw errors.modified(this.name, name);
          continue;
        }
        if (isStorageError(error, "KeyNotFound")) throw errors.notFound(this.name, name);
        throw error;
      }
    }
  }

  /**
   * Deletes, or starts a graceful deletion: an object with finalizers (or a strategy that wants a
   * grace period) only gets its deletionTimestamp; it goes once its finalizers are gone.
   */
  async delete(
    namespace: string | undefined,
    name: string,
    options: WriteOptions & PropagationOptions & { uid?: string; resourceVersion?: string; gracePeriodSeconds?: number } = {},
  ): Promise<{ object: StoredObject; deleted: boolean }> {
    this.refuseComputedWrite();
    const key = this.key(namespace, name);
    for (;;) {
      const kv = await this.storage.get(key);
      if (!kv) throw errors.notFound(this.name, name);
      const current = this.decode(kv);
      if (options.uid && options.uid !== current.metadata.uid) {
        throw errors.conflict(this.name, name, `Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${current.metadata.uid ?? ""}`);
      }
      if (options.resourceVersion && options.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(this.name, name, `Precondition failed: ResourceVersion in precondition: ${options.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ""}`);
      }
      await options.validateAdmission?.(current, current);
      const graceful = this.descriptor.strategy.gracefulDelete?.(current, options.gracePeriodSeconds) ?? 0;
      // The garbage collector's finalizers follow the propagation policy (or the kind's default).
      const gcFinalizers = deletionFinalizers(this.descriptor, current.metadata.finalizers ?? [], options);
      const finalizers = gcFinalizers ?? current.metadata.finalizers ?? [];
      if (finalizers.length > 0 || graceful > 0 || this.descriptor.strategy.blocksDeletion?.(current)) {
        if (current.metadata.deletionTimestamp) {
          // A later delete may shorten the grace period (the kubelet's final grace-0 delete), and may
          // still switch the policy of a deletion that only waits on finalizers.
          const pendingGrace = current.metadata.deletionGracePeriodSeconds ?? 0;
          const shorter = graceful < pendingGrace;
          const switchPolicy = gcFinalizers !== undefined && pendingGrace === 0;
          if ((!shorter && !switchPolicy) || options.dryRun) return { object: current, deleted: false };
          const next = cloneJson(current);
          if (gcFinalizers) next.metadata.finalizers = gcFinalizers;
          if (shorter) {
            next.metadata.deletionTimestamp = kubeTime(new Date(this.clock.now().getTime() + graceful * 1000));
            next.metadata.deletionGracePeriodSeconds = graceful;
          }
          try {
            if (this.isFinalized(next)) {
              next.metadata.resourceVersion = String(await this.storage.delete(key, kv.modRevision));
              return { object: next, deleted: true };
            }
            next.metadata.resourceVersion = String(await this.storage.update(key, this.encode(next), kv.modRevision));
            return { object: next, deleted: false };
          } catch (error) {
            if (isStorageError(error, "Conflict")) continue;
            throw error;
          }
        }
        const next = cloneJson(current);
        if (gcFinalizers) next.metadata.finalizers = gcFinalizers;
        next.metadata.deletionTimestamp = kubeTime(new Date(this.clock.now().getTime() + graceful * 1000));
        next.metadata.deletionGracePeriodSeconds = graceful;
        this.descriptor.strategy.beginDelete?.(next);
        if (options.dryRun) return { object: next, deleted: false };
        try {
          const revision = await this.storage.update(key, this.encode(next), kv.modRevision);
          next.metadata.resourceVersion = String(revision);
          return { object: next, deleted: false };
        } catch (error) {
          if (isStorageError(error, "Conflict")) continue;
          throw error;
        }
      }
      if (options.dryRun) return { object: current, deleted: true };
      try {
        const revision = await this.storage.delete(key, kv.modRevision);
        current.metadata.resourceVersion = String(revision);
        return { object: current, deleted: true };
      } catch (error) {
        if (isStorageError(error, "Conflict")) continue;
        if (isStorageError(error, "KeyNotFound")) throw errors.notFound(this.name, name);
        throw error;
      }
    }
  }

  /**
   * Watches objects under the namespace (or all), after `afterRevision`. Events are delivered in
   * order, exactly once; `onError` gets a 410 Expired when that history is compacted.
   */
  watch(
    namespace: string | undefined,
    afterRevision: number,
    onEvent: (type: WatchEventKind, obj: StoredObject, previous: () => StoredObject | undefined) => void,
    onError: (error: Error) => void,
  ): () => void {
    const handle = this.storage.watch(this.prefix(namespace), afterRevision, {
      onEvent: (event: WatchEvent) => {
        // The previous version is only decoded for watchers that ask (selector transitions).
        const previous = () => (event.prev ? this.decodeShared(event.prev, this.decodedPrevious) : undefined);
        if (event.type === "delete") {
          onEvent("DELETED", this.decodeShared(event.kv, this.decodedDeletions, event.revision), previous);
        } else {
          onEvent(event.prev ? "MODIFIED" : "ADDED", this.decodeShared(event.kv, this.decodedEvents), previous);
        }
      },
      onError: (error) => {
        if (isStorageError(error, "Compacted")) onError(errors.expired(`too old resource version: ${afterRevision} (${error.revision ?? 0})`));
        else onError(error);
      },
    });
    return () => handle.cancel();
  }

  async currentRevision(): Promise<number> {
    return this.storage.currentRevision();
  }

  /** Sets apiVersion/kind/namespace as the URL says; a body that disagrees is a 400. */
  private normalize(input: KubeObject, namespace: string | undefined): StoredObject {
    // The store owns `input` from here: callers pass objects they built for the write.
    const obj = input as StoredObject;
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw errors.badRequest("the request body must be a JSON object");
    const apiVersion = apiVersionOf(this.descriptor);
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
      throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== this.descriptor.kind) {
      throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${this.descriptor.kind})`);
    }
    obj.apiVersion = apiVersion;
    obj.kind = this.descriptor.kind;
    if (obj.metadata === undefined || obj.metadata === null || typeof obj.metadata !== "object") obj.metadata = {};
    if (this.descriptor.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private prepareUpdate(desired: StoredObject, current: StoredObject, subresource?: string): StoredObject {
    const obj = desired;
    const meta = obj.metadata;
    const old = current.metadata;
    // System fields are the server's; clients cannot change them with a write.
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    if (old.deletionTimestamp) {
      meta.deletionTimestamp = old.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (old.generateName !== undefined) meta.generateName = old.generateName;
    if (subresource === "finalize") {
      // PUT …/finalize changes only spec.finalizers (namespaces).
      const merged = cloneJson(current);
      const finalizers = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
      merged.spec = { ...(current.spec as object), finalizers: Array.isArray(finalizers) ? finalizers : [] };
      return merged;
    }
    if (subresource === "status") {
      // A status write changes status, and annotations as upstream's status strategies let through
      // (the deployment controller records deployment.kubernetes.io/revision this way).
      const { status } = obj;
      const merged = cloneJson(current);
      if (status === undefined) delete merged.status;
      else merged.status = status;
      if (obj.metadata.annotations === undefined) delete merged.metadata.annotations;
      else merged.metadata.annotations = obj.metadata.annotations;
      return merged;
    }
    const partial = subresource ? this.descriptor.strategy.prepareSubresourceUpdate?.(subresource, obj, current) : undefined;
    if (partial) {
      this.requireValid(partial, [...(this.descriptor.strategy.validate?.(partial) ?? []), ...(this.descriptor.strategy.validateUpdate?.(partial, current) ?? [])]);
      return partial;
    }
    if (subresource === undefined && this.descriptor.subresources.includes("status")) obj.status = current.status;
    this.requireValid(obj, this.validateMeta(obj));
    if (this.descriptor.hasSpec) {
      const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(current.spec);
      meta.generation = (old.generation ?? 1) + (specChanged ? 1 : 0);
    }
    this.descriptor.strategy.prepareForUpdate?.(obj, current);
    this.requireValid(obj, [
      ...(this.descriptor.strategy.validate?.(obj) ?? []),
      ...(this.descriptor.strategy.validateUpdate?.(obj, current) ?? []),
    ]);
    return obj;
  }

  /** An object being deleted whose last finalizer is gone is removed for good. */
  private isFinalized(obj: StoredObject): boolean {
    const meta = obj.metadata;
    return (
      meta.deletionTimestamp !== undefined &&
      (meta.finalizers ?? []).length === 0 &&
      meta.deletionGracePeriodSeconds === 0 &&
      !this.descriptor.strategy.blocksDeletion?.(obj)
    );
  }

  private validateMeta(obj: StoredObject): FieldCause[] {
    const name = obj.metadata.name;
    if (!name) {
      return [{ field: "metadata.name", reason: "FieldValueRequired", message: "Required value: name or generateName is required" }];
    }
    const { validateName, nameIsDnsLabel } = this.descriptor;
    const causes = validateName ? validateName(name, "metadata.name") : nameIsDnsLabel ? validateDnsLabel(name, "metadata.name") : validateDnsSubdomain(name, "metadata.name");
    const invalid = (field: string, value: string, detail: string): FieldCause => ({
      field,
      reason: "FieldValueInvalid",
      message: `Invalid value: ${goQuote(value)}: ${detail}`,
    });
    for (const [key, value] of Object.entries(obj.metadata.labels ?? {})) {
      causes.push(...qualifiedNameErrors(key).map((e) => invalid("metadata.labels", key, e)));
      causes.push(...labelValueErrors(String(value)).map((e) => invalid("metadata.labels", String(value), e)));
    }
    let annotationBytes = 0;
    for (const [key, value] of Object.entries(obj.metadata.annotations ?? {})) {
      causes.push(...qualifiedNameErrors(key.toLowerCase()).map((e) => invalid("metadata.annotations", key, e)));
      annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
    }
    if (annotationBytes > MAX_ANNOTATION_BYTES) {
      causes.push({ field: "metadata.annotations", reason: "FieldValueTooLong", message: `Too long: must have at most ${MAX_ANNOTATION_BYTES} bytes` });
    }
    return causes;
  }

  private requireValid(obj: StoredObject, causes: FieldCause[]): void {
    if (causes.length > 0) throw errors.invalid(this.name, obj.metadata.name ?? "", causes);
  }
}


function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64");
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === "number" && typeof parsed.start === "string") return { rv: parsed.rv, start: parsed.start };
  } catch {
    // reported below
  }
  throw errors.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}
