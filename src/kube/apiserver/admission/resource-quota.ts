import { addLists, formatMilli, listToJson, parseResourceList, type ResourceList } from "../../api/quantity-math.js";
import type { StoredObject } from "../../api/types.js";
import type { Clock } from "../../../shared/clock.js";
import { handlesOperation, matchingResources, missingContainerResources, quotaMatches, usageOf, type Target } from "../../quota/evaluators.js";
import { rec } from "../../quota/pod-resources.js";
import type { ResourceStore } from "../registry/resource-store.js";
import { StatusError } from "../status.js";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission.js";
import { admissionForbidden } from "./forbidden.js";
import { NamespaceCache } from "./namespace-cache.js";

/** quota's prettyPrint: sorted name=value pairs joined by commas. */
const prettyPrint = (list: ResourceList): string =>
  [...list.keys()]
    .sort()
    .map((k) => `${k}=${formatMilli(list.get(k) ?? { milli: 0n, binary: false })}`)
    .join(",");

const mask = (list: ResourceList, names: Iterable<string>): ResourceList => {
  const keep = new Set(names);
  return new Map([...list].filter(([k]) => keep.has(k)));
};

/** Status writes lost to a concurrent writer are retried this many times before the request fails. */
const MAX_ATTEMPTS = 5;

/**
 * The ResourceQuota admission plugin (last in the chain, as upstream): a create or update that
 * would take a namespace's usage over a quota's status.hard is refused with upstream's
 * "exceeded quota" message; otherwise the quota's status.used is raised right away with an
 * optimistic-concurrency status write, so two racing creates cannot both slip under the limit.
 * The resource quota controller later recalculates usage from the objects themselves.
 */
export class ResourceQuotaAdmission {
  private readonly cache: NamespaceCache;
  /** Per namespace, the tail of the chain of quota checks (upstream batches them per namespace too). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: () => ResourceStore | undefined,
    private readonly clock: Clock,
  ) {
    this.cache = new NamespaceCache(store);
  }

  plugin(): AdmissionPlugin {
    return { name: "ResourceQuota", validate: (a) => this.validate(a) };
  }

  close(): void {
    this.cache.close();
  }

  private async validate(attrs: AdmissionAttributes): Promise<void> {
    const { descriptor: d, subresource, object, namespace, operation } = attrs;
    if (subresource || !object || !namespace || !d.namespaced) return;
    const target: Target = { group: d.group, plural: d.plural };
    if (!handlesOperation(target, operation)) return;
    const known = await this.cache.list(namespace);
    if (known.length === 0) return;
    const previous = this.chains.get(namespace) ?? Promise.resolve();
    const run = previous.then(() => this.checkWithRetries(attrs, target, namespace));
    const tail = run.catch(() => undefined);
    this.chains.set(namespace, tail);
    void tail.then(() => {
      if (this.chains.get(namespace) === tail) this.chains.delete(namespace);
    });
    return run;
  }

  private async checkWithRetries(attrs: AdmissionAttributes, target: Target, namespace: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.check(attrs, target, namespace);
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 409) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** CheckRequest, then the status writes. */
  private async check(attrs: AdmissionAttributes, target: Target, namespace: string): Promise<void> {
    const store = this.store();
    if (!store) return;
    const object = attrs.object as StoredObject;
    // Fresh copies: the cache tells which quotas exist, storage what they say now.
    const quotas: StoredObject[] = [];
    for (const cached of await this.cache.list(namespace)) {
      try {
        quotas.push(await store.get(namespace, cached.metadata.name ?? ""));
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 404)) throw error;
      }
    }
    const interesting: { quota: StoredObject; hard: ResourceList; used: ResourceList }[] = [];
    for (const quota of quotas) {
      const hard = parseResourceList(rec(quota.status).hard);
      if (!quotaMatches(quota, target, object, hard.keys())) continue;
      const restricted = matchingResources(target, hard.keys());
      const missing = missingContainerResources(target, object, restricted);
      const name = quota.metadata.name ?? "";
      if (missing) throw admissionForbidden(attrs, `failed quota: ${name}: ${missing}`);
      const used = parseResourceList(rec(quota.status).used);
      const unknown = restricted.filter((r) => !used.has(r));
      if (unknown.length) throw admissionForbidden(attrs, `status unknown for quota: ${name}, resources: ${unknown.sort().join(",")}`);
      interesting.push({ quota, hard, used });
    }
    if (interesting.length === 0) return;

    const now = this.clock.now();
    let delta = usageOf(target, object, now);
    const negative = [...delta].filter(([, v]) => v.milli < 0n).map(([k]) => k);
    if (negative.length) throw admissionForbidden(attrs, `quota usage is negative for resource(s): ${negative.sort().join(",")}`);
    if (attrs.operation === "UPDATE" && attrs.oldObject?.metadata.resourceVersion) {
      const before = usageOf(target, attrs.oldObject, now);
      delta = new Map([...delta].map(([k, v]) => {
        const prev = before.get(k)?.milli ?? 0n;
        return [k, { milli: v.milli > prev ? v.milli - prev : 0n, binary: v.binary }];
      }));
    }
    delta = new Map([...delta].filter(([, v]) => v.milli !== 0n));
    if (delta.size === 0) return;

    const writes: { quota: StoredObject; used: ResourceList }[] = [];
    for (const { quota, hard, used } of interesting) {
      const requested = mask(delta, hard.keys());
      const newUsage = addLists(used, requested);
      const exceeded = [...mask(newUsage, requested.keys())].filter(([k, v]) => v.milli > (hard.get(k)?.milli ?? 0n)).map(([k]) => k);
      if (exceeded.length) {
        throw admissionForbidden(
          attrs,
          `exceeded quota: ${quota.metadata.name ?? ""}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
        );
      }
      if (requested.size) writes.push({ quota, used: newUsage });
    }
    if (attrs.dryRun) return;
    for (const { quota, used } of writes) {
      await store.update(
        namespace,
        quota.metadata.name ?? "",
        (current) => {
          // The precondition: a quota changed since it was read is checked again from the start.
          current.metadata.resourceVersion = quota.metadata.resourceVersion;
          current.status = { ...rec(current.status), used: listToJson(used) };
          return current;
        },
        { subresource: "status" },
      );
    }
  }
}

export const resourceQuotaAdmission = (stores: { store(group: string, version: string, plural: string): ResourceStore | undefined }, clock: Clock): ResourceQuotaAdmission =>
  new ResourceQuotaAdmission(() => stores.store("", "v1", "resourcequotas"), clock);
