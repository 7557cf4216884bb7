/**
 * apiextensions-apiserver's controllers in one: follows the stored CustomResourceDefinitions (list +
 * watch, so a restart serves them again), serves each accepted CRD's versions through the API handler
 * (discovery, OpenAPI, routes and tables pick them up at once), sets NamesAccepted/Established and
 * acceptedNames, and on deletion removes every custom resource before releasing the cleanup finalizer.
 */
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import { CRD_CLEANUP_FINALIZER, setCondition } from "../../api/apiextensions-v1.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import { customResourceDescriptors } from "../../api/custom-resources/custom-descriptor.js";
import { rec, recs, str } from "../../api/object-fields.js";
import type { StoredObject } from "../../api/types.js";
import type { ApiHandler } from "../../apiserver/api-handler.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient, ResourceRef } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";

const CRDS: ResourceRef = { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions" };
/** How often a deletion that waits on custom resources' own finalizers looks again. */
const CLEANUP_RECHECK_MS = 1000;

const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;

export class CrdController {
  private readonly informer: Informer;
  private readonly queue: WorkQueue;
  /** The group/version/plural keys each CRD (by name) is served at. */
  private readonly served = new Map<string, string[]>();

  constructor(
    private readonly client: InProcessClient,
    private readonly handler: ApiHandler,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.queue = new WorkQueue(clock, (name) => this.sync(name), {
      onError: (name, error) => this.logger.warn("crd sync failed", { crd: name, error: error instanceof Error ? error.message : String(error) }),
    });
    this.informer = new Informer(client, CRDS, clock, {
      onChange: (crd) => this.queue.add(crd.metadata.name ?? ""),
      onDelete: (crd) => {
        this.unserve(crd.metadata.name ?? "");
        // Other CRDs of the group may now get names this one held.
        for (const other of this.informer.list()) if (other.metadata.name !== crd.metadata.name) this.queue.add(other.metadata.name ?? "");
      },
    });
  }

  start(): this {
    this.informer.start();
    return this;
  }

  synced(): Promise<void> {
    return this.informer.synced();
  }

  stop(): void {
    this.informer.stop();
    this.queue.stop();
    for (const name of [...this.served.keys()]) this.unserve(name);
  }

  private async sync(name: string): Promise<void> {
    const crd = this.informer.get(name);
    if (!crd) return this.unserve(name);
    const terminating = Boolean(crd.metadata.deletionTimestamp);
    const conflict = terminating ? undefined : this.nameConflict(crd);
    if (conflict) {
      this.unserve(name);
      return this.writeStatus(crd, (next) => {
        const now = this.clock.now();
        setCondition(next, { type: "NamesAccepted", status: "False", reason: conflict.reason, message: conflict.message }, now);
        setCondition(next, { type: "Established", status: "False", reason: "NotAccepted", message: "not all names are accepted" }, now);
      });
    }
    this.serve(name, customResourceDescriptors(crd, { terminating }));
    if (terminating) return this.cleanUp(crd);
    await this.writeStatus(crd, (next) => {
      const now = this.clock.now();
      const names = rec(rec(crd.spec).names);
      rec(next.status).acceptedNames = structuredClone(names);
      setCondition(next, { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found" }, now);
      setCondition(next, { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted" }, now);
    });
  }

  /** Names another CRD of the same group already holds (the older CRD keeps them), as NamesAccepted reports. */
  private nameConflict(crd: StoredObject): { reason: string; message: string } | undefined {
    const spec = rec(crd.spec);
    const names = rec(spec.names);
    const created = (o: StoredObject) => `${o.metadata.creationTimestamp ?? ""}/${o.metadata.name ?? ""}`;
    for (const other of this.informer.list()) {
      if (other.metadata.name === crd.metadata.name || rec(other.spec).group !== spec.group || created(other) > created(crd)) continue;
      const taken = rec(rec(other.status).acceptedNames);
      const takenResources = new Set([str(taken.plural), str(taken.singular), ...(Array.isArray(taken.shortNames) ? taken.shortNames.map(String) : [])].filter(Boolean));
      for (const [field, reason] of [["plural", "PluralConflict"], ["singular", "SingularConflict"]] as const) {
        if (takenResources.has(str(names[field]))) return { reason, message: `${JSON.stringify(str(names[field]))} is already in use` };
      }
      for (const short of Array.isArray(names.shortNames) ? names.shortNames.map(String) : []) {
        if (takenResources.has(short)) return { reason: "ShortNamesConflict", message: `${JSON.stringify(short)} is already in use` };
      }
      const takenKinds = new Set([str(taken.kind), str(taken.listKind)].filter(Boolean));
      if (takenKinds.has(str(names.kind))) return { reason: "KindConflict", message: `${JSON.stringify(str(names.kind))} is already in use` };
      if (takenKinds.has(str(names.listKind))) return { reason: "ListKindConflict", message: `${JSON.stringify(str(names.listKind))} is already in use` };
    }
    return undefined;
  }

  private serve(name: string, descriptors: ResourceDescriptor[]): void {
    const keys: string[] = [];
    for (const d of descriptors) {
      if (this.handler.addDescriptor(d)) keys.push(`${d.group}/${d.version}/${d.plural}`);
      else this.logger.warn("crd names a built-in resource; not served", { crd: name, resource: `${d.plural}.${d.group}/${d.version}` });
    }
    for (const key of this.served.get(name) ?? []) {
      if (keys.includes(key)) continue;
      const [group = "", version = "", plural = ""] = key.split("/");
      this.handler.removeDescriptor(group, version, plural);
    }
    this.served.set(name, keys);
  }

  private unserve(name: string): void {
    for (const key of this.served.get(name) ?? []) {
      const [group = "", version = "", plural = ""] = key.split("/");
      this.handler.removeDescriptor(group, version, plural);
    }
    this.served.delete(name);
  }

  /** Writes the CRD's status as `change` makes it, when that differs from what is stored. */
  private async writeStatus(crd: StoredObject, change: (next: StoredObject) => void): Promise<void> {
    const next = structuredClone(crd);
    next.status = rec(next.status);
    change(next);
    if (JSON.stringify(next.status) === JSON.stringify(crd.status ?? {})) return;
    try {
      await this.client.request("PUT", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.metadata.name ?? "")}/status`, { body: next });
    } catch (error) {
      // A newer version is on its way through the informer, which queues the CRD again.
      if (isNotFound(error) || (error instanceof StatusError && error.code === 409)) return;
      throw error;
    }
  }

  /** The finalizer controller: delete every custom resource, then release the CRD. */
  private async cleanUp(crd: StoredObject): Promise<void> {
    const name = crd.metadata.name ?? "";
    if (!(crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) return;
    const spec = rec(crd.spec);
    const version = recs(spec.versions).find((v) => v.served === true);
    if (version) {
      await this.writeStatus(crd, (next) =>
        setCondition(next, { type: "Terminating", status: "True", reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" }, this.clock.now()),
      );
      const ref: ResourceRef = { group: str(spec.group), version: str(version.name), plural: str(rec(spec.names).plural) };
      const items = (await this.client.list(ref)).items;
      for (const item of items) {
        if (item.metadata.deletionTimestamp) continue;
        try {
          await this.client.delete({ ...ref, namespace: item.metadata.namespace, name: item.metadata.name });
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      const left = (await this.client.list(ref)).items.length;
      if (left > 0) {
        // Objects with finalizers of their own go when those are released.
        this.queue.addAfter(name, CLEANUP_RECHECK_MS);
        return;
      }
    }
    // Every custom resource is gone: stop serving, then release the finalizer (which removes the CRD).
    this.unserve(name);
    try {
      const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
      await this.client.patch({ ...CRDS, name }, { metadata: { finalizers, resourceVersion: crd.metadata.resourceVersion } });
    } catch (error) {
      if (!isNotFound(error) && !(error instanceof StatusError && error.code === 409)) throw error;
    }
  }
}
