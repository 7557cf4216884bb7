import type { ResourceDescriptor } from "../../api/descriptor.js";
import { listToJson, parseResourceList, type ResourceList } from "../../api/quantity-math.js";
import type { StoredObject } from "../../api/types.js";
import { Informer, objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { matchingResources, quotaMatches, usageOf, usageStats, type Target } from "../../quota/evaluators.js";
import { rec } from "../../quota/pod-resources.js";
import { canonicalJson } from "../common/controller-ref.js";
import { isConflict, isNotFound, type ControllerContext } from "../common/controller-context.js";
import type { SharedInformer } from "../common/shared-informers.js";

export const RESOURCE_QUOTAS = { version: "v1", plural: "resourcequotas" };
const BY_NAMESPACE = "resourcequota:namespace";
/** kube-controller-manager's --resource-quota-sync-period: every quota is recalculated this often anyway. */
export const QUOTA_RESYNC_MS = 5 * 60_000;

/**
 * kube-controller-manager's resource quota controller: sets each quota's status.hard from its
 * spec and status.used from the objects in its namespace (pods that finished use no compute), so
 * usage the admission plugin charged drops again when pods finish or are deleted. Objects are
 * followed by list+watch; informers start only for the resources some quota names.
 */
export class ResourceQuotaController {
  private readonly quotas: Informer;
  private readonly queue: WorkQueue;
  private readonly tracked = new Map<string, { target: Target; informer: SharedInformer; unsubscribe: () => void }>();
  private readonly quotaKeysByNamespace = new Map<string, Set<string>>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: 2,
      onError: (key, error) => ctx.logger.warn("resource quota sync failed; retrying", { quota: key, error: String(error) }),
    });
    this.quotas = new Informer(ctx.client, RESOURCE_QUOTAS, ctx.clock, {
      onChange: (quota, previous) => {
        const ns = quota.metadata.namespace ?? "";
        if (!this.quotaKeysByNamespace.has(ns)) this.quotaKeysByNamespace.set(ns, new Set());
        this.quotaKeysByNamespace.get(ns)?.add(objectKey(quota));
        // Status changes (admission's charges, this controller's writes) are not a reason to recount:
        // a recount racing a create whose object is not yet seen would undo the charge.
        if (previous && canonicalJson(rec(previous.spec).hard ?? {}) === canonicalJson(rec(quota.spec).hard ?? {})) return;
        this.queue.add(objectKey(quota));
      },
      onDelete: (quota) => this.quotaKeysByNamespace.get(quota.metadata.namespace ?? "")?.delete(objectKey(quota)),
    });
  }

  start(): this {
    this.quotas.start();
    return this;
  }

  stop(): void {
    this.quotas.stop();
    this.queue.stop();
    for (const t of this.tracked.values()) t.unsubscribe();
    this.tracked.clear();
  }

  /** The resources whose evaluators track one of `names`: pods, services, claims, and count/<resource> of anything listable. */
  private targetsFor(names: string[]): Target[] {
    const out: Target[] = [];
    const seen = new Set<string>();
    const add = (d: ResourceDescriptor) => {
      const id = `${d.group}/${d.plural}`;
      if (seen.has(id) || !d.namespaced || !d.verbs.includes("watch")) return;
      if (matchingResources({ group: d.group, plural: d.plural }, names).length === 0) return;
      seen.add(id);
      out.push({ group: d.group, plural: d.plural });
    };
    for (const d of this.ctx.descriptors) add(d);
    return out;
  }

  private informerFor(target: Target): SharedInformer | undefined {
    const id = `${target.group}/${target.plural}`;
    const existing = this.tracked.get(id);
    if (existing) return existing.informer;
    const d = this.ctx.descriptors.find((x) => x.group === target.group && x.plural === target.plural);
    if (!d) return undefined;
    const informer = this.ctx.informers.informer({ group: d.group || undefined, version: d.version, plural: d.plural });
    informer.addIndex(BY_NAMESPACE, (obj) => [obj.metadata.namespace ?? ""]);
    // Replenishment: usage freed (an object deleted, a pod finished) re-syncs the quotas of its namespace.
    const replenish = (obj: StoredObject) => {
      for (const key of this.quotaKeysByNamespace.get(obj.metadata.namespace ?? "") ?? []) this.queue.add(key);
    };
    const unsubscribe = informer.subscribe({
      onChange: (obj, previous) => {
        if (previous && this.quotaKeysByNamespace.get(obj.metadata.namespace ?? "")?.size && usageDropped(target, previous, obj, this.ctx.clock.now())) replenish(obj);
      },
      onDelete: replenish,
    });
    this.tracked.set(id, { target, informer, unsubscribe });
    return informer;
  }

  private async sync(key: string): Promise<void> {
    await this.quotas.synced();
    const quota = this.quotas.get(key);
    if (!quota) return;
    const namespace = quota.metadata.namespace ?? "";
    const hard = parseResourceList(rec(quota.spec).hard);
    const names = [...hard.keys()];
    const used: ResourceList = parseResourceList(rec(quota.status).used);
    const now = this.ctx.clock.now();
    for (const target of this.targetsFor(names)) {
      const informer = this.informerFor(target);
      if (!informer) continue;
      await informer.synced();
      const matched = matchingResources(target, names);
      const objects = informer.byIndex(BY_NAMESPACE, namespace).filter((o) => quotaMatches(quota, target, o, matched));
      for (const [k, v] of usageStats(target, objects, matched, now)) used.set(k, v);
    }
    const status = { hard: listToJson(hard), used: listToJson(new Map([...used].filter(([k]) => hard.has(k)))) };
    // Requeued anyway after the resync period (pods whose grace period ran out, missed events).
    this.queue.addAfter(key, QUOTA_RESYNC_MS);
    if (canonicalJson(quota.status ?? {}) === canonicalJson(status)) return;
    try {
      // An update with the cached resourceVersion: if admission charged the quota meanwhile, this conflicts and is redone.
      await this.ctx.client.update({ ...RESOURCE_QUOTAS, namespace, name: quota.metadata.name, subresource: "status" }, { ...quota, status });
    } catch (error) {
      if (isNotFound(error)) return;
      if (isConflict(error)) {
        this.queue.add(key);
        return;
      }
      throw error;
    }
  }
}

/** Whether an update freed usage (a pod that finished or started its graceful deletion, a smaller claim, a service type change). */
function usageDropped(target: Target, before: StoredObject, after: StoredObject, now: Date): boolean {
  const was = usageOf(target, before, now);
  const is = usageOf(target, after, now);
  for (const [k, v] of was) if ((is.get(k)?.milli ?? 0n) < v.milli) return true;
  return Boolean(after.metadata.deletionTimestamp) && !before.metadata.deletionTimestamp;
}
