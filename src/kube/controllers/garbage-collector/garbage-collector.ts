import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { StoredObject } from "../../api/types.js";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "../../apiserver/registry/deletion-propagation.js";
import { resourcePath, type ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { isConflict, isNotFound, type ControllerContext } from "../common/controller-context.js";
import { ownerRefsOf, type OwnerReference } from "../common/controller-ref.js";
import type { SharedInformer } from "../common/shared-informers.js";

/** One object in the dependency graph (upstream's node): where it is and whom it names as owners. */
interface GraphNode {
  uid: string;
  key: string;
  descriptor: ResourceDescriptor;
  owners: OwnerReference[];
}

const WORKERS = 20;
const MAX_ABSENT_OWNERS = 4096;
/** Upstream's GC ignores events: they are many and never own anything. */
const IGNORED = new Set(["/events", "events.k8s.io/events"]);

/**
 * kube-controller-manager's garbage collector, as an API client: a graph of ownerReferences over
 * every served resource, kept from shared informers. Dependents whose owners are all gone are
 * deleted (Background); an owner deleted in the foreground (`foregroundDeletion` finalizer) has
 * its dependents deleted first and loses the finalizer once no blocking dependent remains; an
 * owner deleted with Orphan has its references removed from its dependents, then loses the
 * `orphan` finalizer.
 */
export class GarbageCollector {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly informers = new Map<ResourceDescriptor, SharedInformer>();
  private readonly absentOwners = new Set<string>();
  private readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];
  private ready = false;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.clock, (key) => this.process(key), {
      concurrency: WORKERS,
      onError: (key, error) => ctx.logger.warn("garbage-collector: failed", { key, error: String(error) }),
    });
  }

  start(): this {
    for (const d of this.ctx.descriptors) {
      if (IGNORED.has(`${d.group}/${d.plural}`) || !d.verbs.includes("list") || !d.verbs.includes("watch")) continue;
      const informer = this.ctx.informers.informer({ group: d.group, version: d.version, plural: d.plural });
      this.informers.set(d, informer);
      this.unsubscribe.push(
        informer.subscribe({
          onChange: (obj, previous) => this.observe(d, obj, previous),
          onDelete: (obj) => this.forget(obj),
        }),
      );
    }
    void Promise.all([...this.informers.values()].map((i) => i.synced())).then(() => {
      if (this.stopped) return;
      this.ready = true;
      // Everything the first lists showed that may need work: deletions in progress, dangling references.
      for (const node of this.nodes.values()) {
        const obj = this.objectOf(node);
        if (obj) this.triage(node, obj, true);
      }
    });
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  // ---- the graph ----

  private observe(descriptor: ResourceDescriptor, obj: StoredObject, previous?: StoredObject): void {
    const uid = obj.metadata.uid ?? "";
    if (!uid) return;
    const owners = ownerRefsOf(obj);
    const existing = this.nodes.get(uid);
    const before = existing?.owners ?? [];
    const node: GraphNode = { uid, key: objectKey(obj), descriptor, owners };
    this.nodes.set(uid, node);
    for (const ref of before) {
      if (owners.some((o) => o.uid === ref.uid)) continue;
      this.dependents.get(ref.uid)?.delete(uid);
      // A foreground deletion waiting on this dependent may now finish.
      this.queue.add(`delete/${ref.uid}`);
    }
    for (const ref of owners) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
    if (!this.ready) return;
    const newOwner = owners.some((o) => !before.some((b) => b.uid === o.uid));
    const deletionChanged =
      previous === undefined ||
      Boolean(previous.metadata.deletionTimestamp) !== Boolean(obj.metadata.deletionTimestamp) ||
      (previous.metadata.finalizers ?? []).join() !== (obj.metadata.finalizers ?? []).join();
    this.triage(node, obj, newOwner || deletionChanged);
  }

  /** Queues the work an object's state calls for. */
  private triage(node: GraphNode, obj: StoredObject, changed: boolean): void {
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp) {
      if (finalizers.includes(FOREGROUND_FINALIZER)) {
        this.queue.add(`delete/${node.uid}`);
        for (const dep of this.dependents.get(node.uid) ?? []) this.queue.add(`delete/${dep}`);
      }
      if (finalizers.includes(ORPHAN_FINALIZER)) this.queue.add(`orphan/${node.uid}`);
      return;
    }
    if (!changed) return;
    // An owner the graph does not know (or knows to be gone, or being deleted in the foreground) needs a look.
    const needsLook = node.owners.some((ref) => {
      const owner = this.nodes.get(ref.uid);
      if (!owner) return true;
      const ownerObj = this.objectOf(owner);
      return Boolean(ownerObj?.metadata.deletionTimestamp && (ownerObj.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER));
    });
    if (needsLook) this.queue.add(`delete/${node.uid}`);
  }

  private forget(obj: StoredObject): void {
    const uid = obj.metadata.uid ?? "";
    const node = this.nodes.get(uid);
    if (!node || node.key !== objectKey(obj)) return;
    this.nodes.delete(uid);
    for (const ref of node.owners) {
      const siblings = this.dependents.get(ref.uid);
      siblings?.delete(uid);
      if (siblings?.size === 0 && !this.nodes.has(ref.uid)) this.dependents.delete(ref.uid);
      if (this.ready) this.queue.add(`delete/${ref.uid}`);
    }
    if (!this.ready) return;
    // Its dependents may have lost their last owner.
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(`delete/${dep}`);
    if ((this.dependents.get(uid)?.size ?? 0) === 0) this.dependents.delete(uid);
  }

  private objectOf(node: GraphNode): StoredObject | undefined {
    const obj = this.informers.get(node.descriptor)?.get(node.key);
    return obj && obj.metadata.uid === node.uid ? obj : undefined;
  }

  private refOf(node: GraphNode, obj: StoredObject): ResourceRef {
    const d = node.descriptor;
    return { group: d.group, version: d.version, plural: d.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
  }

  // ---- work ----

  private async process(item: string): Promise<void> {
    const [action, uid = ""] = item.split("/");
    const node = this.nodes.get(uid);
    if (!node) return;
    if (action === "orphan") return this.orphanDependents(node);
    return this.attemptToDelete(node);
  }

  /** attemptToDeleteItem: delete an object whose owners are all gone, or waiting for it in the foreground. */
  private async attemptToDelete(node: GraphNode, live = false): Promise<void> {
    const obj = live ? await this.fetch(node) : this.objectOf(node);
    if (!obj) return;
    if (obj.metadata.deletionTimestamp) {
      if ((obj.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) await this.processDeletingDependents(node, obj, live);
      return;
    }
    const refs = ownerRefsOf(obj);
    if (refs.length === 0) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.lookupOwner(ref, obj);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) waiting.push(ref);
      else solid.push(ref);
    }
    try {
      if (solid.length > 0) {
        if (dangling.length === 0 && waiting.length === 0) return;
        // Keep the object; drop references to owners that are gone or waiting for it.
        const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
        await this.ctx.client.patch(this.refOf(node, obj), {
          metadata: { ownerReferences: refs.filter((r) => !gone.has(r.uid)), uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
        });
        return;
      }
      const finalizers = obj.metadata.finalizers ?? [];
      let policy = "Background";
      if (waiting.length > 0 && (this.dependents.get(node.uid)?.size ?? 0) > 0) policy = "Foreground";
      else if (finalizers.includes(ORPHAN_FINALIZER)) policy = "Orphan";
      else if (finalizers.includes(FOREGROUND_FINALIZER)) policy = "Foreground";
      await this.ctx.client.request("DELETE", resourcePath(this.refOf(node, obj)), {
        body: { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion } },
      });
    } catch (error) {
      if (isNotFound(error)) return;
      // Our copy was stale: decide again on what the API server has now.
      if (isConflict(error) && !live) return this.attemptToDelete(node, true);
      throw error;
    }
  }

  /** processDeletingDependentsItem: a foreground deletion finishes when no blocking dependent is left. */
  private async processDeletingDependents(node: GraphNode, obj: StoredObject, live: boolean): Promise<void> {
    const blocking = [...(this.dependents.get(node.uid) ?? [])].filter((uid) =>
      this.nodes.get(uid)?.owners.some((r) => r.uid === node.uid && r.blockOwnerDeletion === true),
    );
    if (blocking.length > 0) {
      for (const uid of blocking) {
        const dep = this.nodes.get(uid);
        const depObj = dep && this.objectOf(dep);
        if (depObj && !depObj.metadata.deletionTimestamp) this.queue.add(`delete/${uid}`);
      }
      return;
    }
    await this.removeFinalizer(node, obj, FOREGROUND_FINALIZER, live);
  }

  /** orphanDependents: remove the owner's references from its dependents, then its `orphan` finalizer. */
  private async orphanDependents(node: GraphNode): Promise<void> {
    const obj = this.objectOf(node);
    if (!obj?.metadata.deletionTimestamp || !(obj.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER)) return;
    for (const uid of [...(this.dependents.get(node.uid) ?? [])]) {
      const dep = this.nodes.get(uid);
      if (dep) await this.dropOwnerRef(dep, node.uid);
    }
    await this.removeFinalizer(node, obj, ORPHAN_FINALIZER, false);
  }

  private async dropOwnerRef(dep: GraphNode, ownerUid: string, live = false): Promise<void> {
    const obj = live ? await this.fetch(dep) : this.objectOf(dep);
    if (!obj) return;
    const refs = ownerRefsOf(obj);
    if (!refs.some((r) => r.uid === ownerUid)) return;
    const rest = refs.filter((r) => r.uid !== ownerUid);
    try {
      await this.ctx.client.patch(this.refOf(dep, obj), {
        metadata: { ownerReferences: rest.length > 0 ? rest : null, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (error) {
      if (isNotFound(error)) return;
      if (isConflict(error) && !live) return this.dropOwnerRef(dep, ownerUid, true);
      throw error;
    }
  }

  private async removeFinalizer(node: GraphNode, obj: StoredObject, finalizer: string, live: boolean): Promise<void> {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return;
    try {
      await this.ctx.client.patch(this.refOf(node, obj), {
        metadata: { finalizers: finalizers.filter((f) => f !== finalizer), uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (error) {
      if (isNotFound(error)) return;
      if (isConflict(error) && !live) {
        const fresh = await this.fetch(node);
        if (fresh) return this.removeFinalizer(node, fresh, finalizer, true);
        return;
      }
      throw error;
    }
  }

  /** A live read of the object a node stands for (undefined if gone or replaced). */
  private async fetch(node: GraphNode): Promise<StoredObject | undefined> {
    const cached = this.objectOf(node);
    const [namespace, name] = node.descriptor.namespaced ? node.key.split("/") : [undefined, node.key];
    const d = node.descriptor;
    try {
      const obj = await this.ctx.client.get({ group: d.group, version: d.version, plural: d.plural, namespace, name: name ?? cached?.metadata.name });
      return obj.metadata.uid === node.uid ? obj : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * The owner a reference names, or undefined when it is gone (isDangling): the graph first, then a
   * live read for owners the graph has not seen; a kind the server does not serve counts as present.
   */
  private async lookupOwner(ref: OwnerReference, dependent: StoredObject): Promise<StoredObject | undefined> {
    const known = this.nodes.get(ref.uid);
    const cached = known && this.objectOf(known);
    if (cached) return cached;
    if (this.absentOwners.has(ref.uid)) return undefined;
    const group = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
    // Served kinds right now: a custom resource's CRD may have come after this controller started.
    const d = this.ctx.served().find((x) => x.group === group && x.kind === ref.kind);
    if (!d) return dependent;
    const namespace = d.namespaced ? dependent.metadata.namespace : undefined;
    try {
      const owner = await this.ctx.client.get({ group: d.group, version: d.version, plural: d.plural, namespace, name: ref.name });
      if (owner.metadata.uid === ref.uid) return owner;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (this.absentOwners.size >= MAX_ABSENT_OWNERS) this.absentOwners.delete(this.absentOwners.values().next().value as string);
    this.absentOwners.add(ref.uid);
    return undefined;
  }
}
